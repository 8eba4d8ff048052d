namespace WebRtcPS.Signaling.Logging;

/// <summary>
/// How loud a <see cref="LogLine"/> is, in the three steps a PowerShell host shows
/// (Debug, Verbose, Warning streams): Trace and Debug are <see cref="Debug"/>, Information is
/// <see cref="Information"/>, everything above is <see cref="Warning"/>.
/// </summary>
public enum LogSeverity
{
    /// <summary>Trace and Debug: the Debug stream.</summary>
    Debug,
    /// <summary>Information: the Verbose stream.</summary>
    Information,
    /// <summary>Warning and above: the Warning stream.</summary>
    Warning,
}

/// <summary>One log line waiting in a <see cref="LogQueue"/> for its host to write it.</summary>
/// <param name="Time">When it was logged.</param>
/// <param name="Severity">Which PowerShell stream it belongs to.</param>
/// <param name="Category">The logger's category (the class that logged).</param>
/// <param name="Message">The formatted message.</param>
public readonly record struct LogLine(DateTimeOffset Time, LogSeverity Severity, string Category, string Message);
