using System.Collections.Concurrent;
using System.Diagnostics;

namespace WebRtcPS.Bench.Signaling;

/// <summary>The child processes this program starts, so that the run's time bound can end them all.</summary>
internal static class Children
{
    private static readonly ConcurrentDictionary<int, Process> Running = new();

    public static Process Start(ProcessStartInfo psi)
    {
        Lean.InlineCompletions.KeepFrom(psi);
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {psi.FileName}");
        Running[process.Id] = process;
        return process;
    }

    /// <summary>Closes the child's stdin (our children exit at end of input), kills it after <paramref name="grace"/>.</summary>
    public static void End(Process process, TimeSpan grace)
    {
        try
        {
            if (process.StartInfo.RedirectStandardInput) process.StandardInput.Close();
            if (!process.WaitForExit(grace)) process.Kill();
            process.WaitForExit(TimeSpan.FromSeconds(10));
        }
        catch (InvalidOperationException) { /* already gone */ }
        Running.TryRemove(process.Id, out _);
        process.Dispose();
    }

    /// <summary>Kills every child still running.</summary>
    public static void KillAll()
    {
        foreach (var (_, p) in Running)
        {
            try { if (!p.HasExited) p.Kill(); } catch (InvalidOperationException) { }
        }
    }
}
