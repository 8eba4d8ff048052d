using System.Diagnostics;

namespace WebRtcPS.Bench.Signaling;

internal sealed record MemoryResult(int Streams, long WorkingSetBefore, long WorkingSetAfter, long HeapBefore, long HeapAfter,
    long WorkingSetAfterHeartbeats, long HeapAfterHeartbeats, long HeartbeatsSent);

/// <summary>In-process mode: K idle /receive streams (opened by a child) and this process's memory.</summary>
internal static class IdleStreams
{
    public static async Task<MemoryResult> RunAsync(int streams)
    {
        // Heartbeats every 500 ms so that the "after heartbeats" figure has seen a few rounds.
        await using var server = await Program.StartServerAsync(TimeSpan.FromMilliseconds(500));
        var (wsBefore, heapBefore) = Measure();

        using var child = Process.Start(Program.Self("--idle-client", server.Url.AbsoluteUri, streams.ToString()))!;
        try
        {
            var line = await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            if (line != "ready") throw new InvalidOperationException($"idle client: {line}");
            var deadline = Stopwatch.StartNew();
            while (server.GetHealth().ConnectedIds.Count < streams && deadline.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(50);
            var open = server.GetHealth().ConnectedIds.Count;
            var (wsAfter, heapAfter) = Measure();
            var heartbeatsBefore = server.GetHealth().Counts.HeartbeatsSent;
            while (server.GetHealth().Counts.HeartbeatsSent < heartbeatsBefore + 3L * streams && deadline.Elapsed < TimeSpan.FromSeconds(45))
                await Task.Delay(100);
            var (wsHb, heapHb) = Measure();
            return new MemoryResult(open, wsBefore, wsAfter, heapBefore, heapAfter, wsHb, heapHb, server.GetHealth().Counts.HeartbeatsSent);
        }
        finally
        {
            child.StandardInput.Close(); // the child exits at end of input
            if (!child.WaitForExit(10_000)) child.Kill(entireProcessTree: true);
        }
    }

    private static (long WorkingSet, long Heap) Measure()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        using var me = Process.GetCurrentProcess();
        return (me.WorkingSet64, GC.GetTotalMemory(false));
    }
}

