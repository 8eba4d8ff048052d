namespace WebRtcPS.Signaling.Logging;

/// <summary>
/// How loud a <see cref="LogLine"/> is, in the three steps a PowerShell host shows
/// (Debug, Verbose, Warning streams): Trace and Debug are <see cref="Debug"/>, Information is
/// <see cref="Information"/>, everything above is <see cref="Warning"/>.
/// </summary>
public enum LogSeverity
{
    Debug,
    Information,
    Warning,
}

/// <summary>One log line waiting in a <see cref="LogQueue"/> for its host to write it.</summary>
public readonly record struct LogLine(DateTimeOffset Time, LogSeverity Severity, string Category, string Message);
