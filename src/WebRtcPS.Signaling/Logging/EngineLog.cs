using Microsoft.Extensions.Logging;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.Nat;
using WebRtcPS.Engine.PeerConnection;
using WebRtcPS.Engine.Turn;

namespace WebRtcPS.Signaling.Logging;

/// <summary>
/// The engine's log (ICE checks, TURN, DTLS, SCTP, the peer connection) for a host that writes it
/// on its own thread: the module's peer and ICE cmdlets, on -Verbose and -Debug. Engine threads
/// only call <paramref name="sink"/>, which queues the line. Like <see cref="LogQueue"/>, the host
/// sees only <see cref="LogLine"/> and the engine's options types: the <c>Apply</c> methods put the
/// logger into them, so the cmdlets reference no Microsoft.Extensions.Logging type.
/// </summary>
/// <param name="minimum">Lines below this are not even formatted.</param>
/// <param name="sink">Where each line goes (any thread); not called after <see cref="Dispose"/>.</param>
public sealed class EngineLog(LogSeverity minimum, Action<LogLine> sink) : IDisposable
{
    private Action<LogLine>? _sink = sink ?? throw new ArgumentNullException(nameof(sink));

    private ILogger Logger => new Forwarder(this, minimum);

    /// <summary><paramref name="configuration"/> logging here (every layer the peer connection builds).</summary>
    public RTCConfiguration Apply(RTCConfiguration configuration) =>
        (configuration ?? throw new ArgumentNullException(nameof(configuration))) with { Logger = Logger };

    /// <summary><paramref name="options"/> logging here (an ICE agent gathering on its own).</summary>
    public IceAgentOptions Apply(IceAgentOptions options) =>
        (options ?? throw new ArgumentNullException(nameof(options))) with { Logger = Logger };

    /// <summary><paramref name="settings"/> logging here (TURN clients and probes).</summary>
    public TurnSettings Apply(TurnSettings settings) =>
        (settings ?? throw new ArgumentNullException(nameof(settings))) with { Logger = Logger };

    /// <summary><paramref name="options"/> logging here (Get-WrtcNatBehavior's RFC 5780 tests).</summary>
    internal NatDiscoveryOptions Apply(NatDiscoveryOptions options) =>
        (options ?? throw new ArgumentNullException(nameof(options))) with { Logger = Logger };

    /// <summary>Stops forwarding: an engine object that outlives the command (a kept peer) logs to nothing.</summary>
    public void Dispose() => Volatile.Write(ref _sink, null);

    /// <summary>The layer that logged, from the engine's event-id ranges (docs/ARCHITECTURE.md).</summary>
    internal static string LayerOf(int eventId) => eventId switch
    {
        >= 1000 and < 1500 => "Signaling",
        >= 1500 and < 1600 => "TURN",
        >= 1600 and < 1700 => "NAT",
        >= 2000 and < 3000 => "ICE",
        >= 3000 and < 4000 => "DTLS",
        >= 4000 and < 4050 => "SCTP",
        >= 4050 and < 5000 => "DataChannel",
        >= 5000 and < 6000 => "PeerConnection",
        _ => "Engine",
    };

    private sealed class Forwarder(EngineLog owner, LogSeverity minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) =>
            logLevel != LogLevel.None && Volatile.Read(ref owner._sink) is not null && SeverityOf(logLevel) >= minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel) || Volatile.Read(ref owner._sink) is not { } sink) return;
            var layer = LayerOf(eventId.Id);
            var message = $"{layer}: {formatter(state, exception)}";
            if (exception is not null) message += ": " + exception.Message;
            sink(new LogLine(DateTimeOffset.Now, SeverityOf(logLevel), layer, message));
        }

        private static LogSeverity SeverityOf(LogLevel level) => level switch
        {
            LogLevel.Trace or LogLevel.Debug => LogSeverity.Debug,
            LogLevel.Information => LogSeverity.Information,
            _ => LogSeverity.Warning,
        };
    }
}
