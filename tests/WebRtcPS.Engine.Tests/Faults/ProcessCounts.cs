using System.Diagnostics;

namespace WebRtcPS.Engine.Tests.Faults;

/// <summary>Tests that count this process's resources run alone (nothing else opening sockets meanwhile).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessCountsCollection
{
    public const string Name = "Process resource counts";
}

/// <summary>
/// What a process holds that a connection could leak: sockets (the /proc/self/fd entries that
/// are sockets), threads not owned by the thread pool (the pool grows and shrinks on its own),
/// active System.Threading timers, and managed memory after full, compacting collections.
/// </summary>
internal sealed record ProcessCounts(int Sockets, int OwnThreads, long Timers, long ManagedBytes)
{
    public static ProcessCounts Now()
    {
        var sockets = 0;
        foreach (var fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true) sockets++;
            }
            catch (IOException)
            {
                // closed while enumerating
            }
        }
        using var process = Process.GetCurrentProcess();
        var threads = process.Threads.Count - ThreadPool.ThreadCount;
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        return new ProcessCounts(sockets, threads, Timer.ActiveCount, GC.GetTotalMemory(forceFullCollection: true));
    }

    /// <summary>The counts once closing has finished: sampled until they reach
    /// <paramref name="target"/> (or stop falling), at most 15 s.</summary>
    public static async Task<ProcessCounts> SettledAsync(ProcessCounts? target)
    {
        var sw = Stopwatch.StartNew();
        var last = Now();
        while (sw.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(500);
            var next = Now();
            var done = target is null
                ? next.Sockets == last.Sockets && next.Timers == last.Timers
                : next.Sockets <= target.Sockets && next.Timers <= target.Timers + 2 && next.ManagedBytes <= target.ManagedBytes + 2 * 1024 * 1024;
            last = next;
            if (done) break;
        }
        return last;
    }
}
