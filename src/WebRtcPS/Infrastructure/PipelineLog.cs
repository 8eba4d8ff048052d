using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace WebRtcPS.Commands.Infrastructure;

/// <summary>One engine log line waiting to be written by a cmdlet.</summary>
internal readonly record struct LogEntry(DateTimeOffset Time, LogLevel Level, string Category, string Message);

/// <summary>
/// Engine logging routed to PowerShell's streams. Engine threads only enqueue; the cmdlet that
/// owns the pipeline drains the queue on its own thread (Write* from another thread is illegal).
/// Entries logged while no cmdlet is attached are kept in a bounded ring for later inspection.
/// </summary>
internal sealed class PipelineLog : ILoggerProvider
{
    private const int RingSize = 500;
    private readonly ConcurrentQueue<LogEntry> _recent = new();
    private BlockingCollection<LogEntry>? _sink;

    /// <summary>Starts forwarding new entries to <paramref name="sink"/> (a cmdlet's queue).</summary>
    public void Attach(BlockingCollection<LogEntry> sink) => Volatile.Write(ref _sink, sink);

    public void Detach(BlockingCollection<LogEntry> sink) => Interlocked.CompareExchange(ref _sink, null, sink);

    public IReadOnlyList<LogEntry> Recent => _recent.ToArray();

    internal void Add(LogEntry entry)
    {
        _recent.Enqueue(entry);
        while (_recent.Count > RingSize) _recent.TryDequeue(out _);
        var sink = Volatile.Read(ref _sink);
        if (sink is null) return;
        try
        {
            sink.TryAdd(entry);
        }
        catch (InvalidOperationException)
        {
            // the cmdlet finished (CompleteAdding) between the read and the add
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(PipelineLog owner, string category) : ILogger
    {
        // Our own layers down to Debug; framework (Kestrel, hosting) only when something is wrong.
        private readonly LogLevel _minimum = category.StartsWith("WebRtcPS", StringComparison.Ordinal) ? LogLevel.Debug : LogLevel.Warning;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= _minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var message = formatter(state, exception);
            if (exception is not null) message += ": " + exception.Message;
            owner.Add(new LogEntry(DateTimeOffset.Now, logLevel, category, message));
        }
    }
}
