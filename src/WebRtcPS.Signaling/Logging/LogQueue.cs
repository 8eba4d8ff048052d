using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace WebRtcPS.Signaling.Logging;

/// <summary>
/// Log lines of the signaling server (ours and Kestrel's) queued for a host that writes them on its
/// own thread: the module's cmdlets, which may call Write* only from their pipeline thread. Server
/// threads only enqueue. Lines logged while no sink is attached are kept in a bounded ring.
/// The host sees only this type and <see cref="LogLine"/>: Microsoft.Extensions.Logging stays
/// behind it, so the module can load that in its own AssemblyLoadContext.
/// </summary>
public sealed class LogQueue : IDisposable
{
    private const int RingSize = 500;
    private readonly ConcurrentQueue<LogLine> _recent = new();
    private BlockingCollection<LogLine>? _sink;

    /// <summary>An empty queue with its logger factory (minimum level Debug).</summary>
    public LogQueue()
    {
        Factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(new Provider(this)));
    }

    /// <summary>What the server logs through; lives until <see cref="Dispose"/>.</summary>
    internal ILoggerFactory Factory { get; }

    /// <summary>Starts forwarding new lines to <paramref name="sink"/> (a cmdlet's queue).</summary>
    public void Attach(BlockingCollection<LogLine> sink) => Volatile.Write(ref _sink, sink);

    /// <summary>Stops forwarding to <paramref name="sink"/>, if it is the attached one.</summary>
    public void Detach(BlockingCollection<LogLine> sink) => Interlocked.CompareExchange(ref _sink, null, sink);

    /// <summary>The last 500 lines, oldest first (what Get-WrtcSignalingServer shows).</summary>
    public IReadOnlyList<LogLine> Recent => _recent.ToArray();

    /// <summary>Disposes the logger factory.</summary>
    public void Dispose() => Factory.Dispose();

    private void Add(LogLine line)
    {
        _recent.Enqueue(line);
        while (_recent.Count > RingSize) _recent.TryDequeue(out _);
        var sink = Volatile.Read(ref _sink);
        if (sink is null) return;
        try
        {
            sink.TryAdd(line);
        }
        catch (InvalidOperationException)
        {
            // the cmdlet finished (CompleteAdding) between the read and the add
        }
    }

    private static LogSeverity SeverityOf(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => LogSeverity.Debug,
        LogLevel.Information => LogSeverity.Information,
        _ => LogSeverity.Warning,
    };

    private sealed class Provider(LogQueue owner) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(owner, categoryName);

        public void Dispose()
        {
        }
    }

    private sealed class Logger(LogQueue owner, string category) : ILogger
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
            owner.Add(new LogLine(DateTimeOffset.Now, SeverityOf(logLevel), category, message));
        }
    }
}
