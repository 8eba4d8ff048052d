using System.Management.Automation;
using Microsoft.Extensions.Logging;

namespace WebRtcPS.Commands.Infrastructure;

internal static class CmdletLogExtensions
{
    /// <summary>Writes an engine log entry to the matching PowerShell stream. Pipeline thread only.</summary>
    public static void WriteLog(this Cmdlet cmdlet, LogEntry entry)
    {
        var text = $"[{entry.Time:HH:mm:ss.fff}] {entry.Message}";
        switch (entry.Level)
        {
            case LogLevel.Trace:
            case LogLevel.Debug:
                cmdlet.WriteDebug(text);
                break;
            case LogLevel.Information:
                cmdlet.WriteVerbose(text);
                break;
            default:
                cmdlet.WriteWarning(text);
                break;
        }
    }
}
