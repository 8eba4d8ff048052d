using System.Collections;
using System.Management.Automation;

namespace WebRtcPS.Commands.Infrastructure;

/// <summary>
/// -AsJob: the same command, with the same parameters but -AsJob, in a thread job (the
/// Microsoft.PowerShell.ThreadJob module that ships with PowerShell 7). The job is an ordinary
/// PowerShell job: Receive-Job, Wait-Job and Stop-Job (which stops the command as Ctrl+C would,
/// so it releases what it holds). It runs in this process, so its peers are this session's.
/// </summary>
internal static class ThreadJobLauncher
{
    private const string Start =
        "param($Command, $Module, $Parameters, $Name) " +
        "Microsoft.PowerShell.ThreadJob\\Start-ThreadJob -Name $Name -ArgumentList $Module, $Parameters -ScriptBlock ([scriptblock]::Create(" +
        "\"param(`$m, `$p) Import-Module `$m; $Command @p\"))";

    /// <summary>Starts the job and returns it (the command writes it to the pipeline).</summary>
    public static object Launch(PSCmdlet cmdlet, string name)
    {
        var parameters = new Hashtable(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in cmdlet.MyInvocation.BoundParameters)
        {
            if (!key.Equals("AsJob", StringComparison.OrdinalIgnoreCase)) parameters[key] = value;
        }
        var results = cmdlet.InvokeCommand.InvokeScript(Start, false, System.Management.Automation.Runspaces.PipelineResultTypes.None, null,
            cmdlet.MyInvocation.MyCommand.Name, ModulePath(), parameters, name);
        return results.Count == 1 ? results[0] : throw new InvalidOperationException("Start-ThreadJob returned no job.");
    }

    /// <summary>The manifest beside the cmdlets (what users import), else the cmdlet assembly itself.</summary>
    private static string ModulePath()
    {
        var assembly = typeof(ThreadJobLauncher).Assembly.Location;
        var manifest = Path.Combine(Path.GetDirectoryName(assembly) ?? ".", "WebRtcPS.psd1");
        return File.Exists(manifest) ? manifest : assembly;
    }
}
