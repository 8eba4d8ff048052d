using System.Management.Automation;
using WebRtcPS.Signaling.Logging;

namespace WebRtcPS.Commands.Infrastructure;

public abstract partial class AsyncPipelineCmdlet
{
    /// <summary>
    /// The engine's log for this command, queued to the pipeline thread like every other write:
    /// Information lines on -Verbose, Debug lines (ICE checks, DTLS records, SCTP chunks) on -Debug.
    /// Null when neither stream is on, so the engine formats nothing. Dispose it when the command
    /// ends: engine objects that outlive it (a kept peer) then log to nothing.
    /// </summary>
    protected EngineLog? OpenEngineLog()
    {
        var debug = Wants("Debug", "DebugPreference");
        if (!debug && !Wants("Verbose", "VerbosePreference")) return null;
        return new EngineLog(debug ? LogSeverity.Debug : LogSeverity.Information, line => Post(() => WriteEngineLine(line)));
    }

    /// <summary>-Verbose/-Debug given to this command, else the caller's preference variable.</summary>
    private bool Wants(string parameter, string preferenceVariable)
    {
        if (MyInvocation.BoundParameters.TryGetValue(parameter, out var value))
            return value is SwitchParameter s ? s.IsPresent : LanguagePrimitives.IsTrue(value);
        return GetVariableValue(preferenceVariable) is ActionPreference p && p is not (ActionPreference.SilentlyContinue or ActionPreference.Ignore);
    }

    /// <summary>Engine warnings go to Verbose too: the cmdlets already report what matters as
    /// warnings or errors of their own, and the same line twice helps nobody.</summary>
    private void WriteEngineLine(LogLine line)
    {
        var text = $"[{line.Time:HH:mm:ss.fff}] {line.Message}";
        if (line.Severity == LogSeverity.Debug) WriteDebug(text);
        else WriteVerbose(text);
    }
}
