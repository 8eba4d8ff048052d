using System.Management.Automation;
using WebRtcPS.Signaling.Logging;

namespace WebRtcPS.Commands.Infrastructure;

internal static class CmdletLogExtensions
{
    /// <summary>Writes a queued log line to the matching PowerShell stream. Pipeline thread only.</summary>
    public static void WriteLog(this Cmdlet cmdlet, LogLine line)
    {
        var text = $"[{line.Time:HH:mm:ss.fff}] {line.Message}";
        switch (line.Severity)
        {
            case LogSeverity.Debug:
                cmdlet.WriteDebug(text);
                break;
            case LogSeverity.Information:
                cmdlet.WriteVerbose(text);
                break;
            default:
                cmdlet.WriteWarning(text);
                break;
        }
    }
}
