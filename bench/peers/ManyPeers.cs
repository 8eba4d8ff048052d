using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using WebRtcPS.Engine.DataChannels;
using WebRtcPS.Engine.PeerConnection;
using WebRtcPS.Engine.Sdp;

namespace WebRtcPS.Bench.Peers;

/// <summary>
/// <c>--peers N</c>: the memory of N connected peer pairs in this one process. One pair is
/// connected and closed first (so the code is jitted and the runtime's pools exist), then the
/// resident set is read after a full GC, then N pairs connect at once (loopback, in-memory
/// signaling with trickle, a channel opened and a hello each way) and stay connected while the
/// resident set is read again. Per extra peer = (after - before) / 2N: one peer is one
/// RTCPeerConnection.
/// </summary>
internal static class ManyPeers
{
    public static async Task<int> MainAsync(IReadOnlyList<string> args)
    {
        var n = 10;
        string? smaps = null;
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--peers" && i + 1 < args.Count) n = int.Parse(args[++i]);
            else if (args[i] == "--smaps" && i + 1 < args.Count) smaps = args[++i];
        }
        await using (var warm = await Pair.ConnectAsync("warm"))
        {
        }
        await Task.Delay(200);
        var before = Settle();
        var sw = Stopwatch.StartNew();
        var pairs = await Task.WhenAll(Enumerable.Range(0, n).Select(i => Pair.ConnectAsync($"p{i}")));
        var connectMs = sw.Elapsed.TotalMilliseconds;
        await Task.Delay(500);
        var after = Settle();
        // Where the resident set is, mapping by mapping (the profile behind the figures).
        if (smaps is not null) File.Copy("/proc/self/smaps", smaps, overwrite: true);
        foreach (var p in pairs) await p.DisposeAsync();
        var perPeerKiB = (after.RssKiB - before.RssKiB) / (2.0 * n);
        var report = new Dictionary<string, object?>
        {
            ["pairs"] = n,
            ["peers"] = 2 * n,
            ["connect_all_ms"] = Math.Round(connectMs, 1),
            ["rss_before_kib"] = before.RssKiB,
            ["rss_after_kib"] = after.RssKiB,
            ["hwm_kib"] = after.HwmKiB,
            ["gc_heap_before_kib"] = before.HeapKiB,
            ["gc_heap_after_kib"] = after.HeapKiB,
            ["threads_before"] = before.Threads,
            ["threads_after"] = after.Threads,
            ["per_peer_rss_kib"] = Math.Round(perPeerKiB, 1),
            ["per_peer_gc_heap_kib"] = Math.Round((after.HeapKiB - before.HeapKiB) / (2.0 * n), 1),
        };
        Console.WriteLine($"{n} pairs ({2 * n} peers) connected in {connectMs:0} ms; RSS {before.RssKiB / 1024.0:0.0} -> {after.RssKiB / 1024.0:0.0} MiB " +
                          $"(peak {after.HwmKiB / 1024.0:0.0}), GC heap {before.HeapKiB / 1024.0:0.0} -> {after.HeapKiB / 1024.0:0.0} MiB, " +
                          $"threads {before.Threads} -> {after.Threads}: {perPeerKiB / 1024.0:0.00} MiB per extra peer");
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?> { ["peers-memory"] = report }));
        return 0;
    }

    private readonly record struct Sample(long RssKiB, long HwmKiB, long HeapKiB, int Threads);

    /// <summary>Full blocking compacting GC, then VmRSS / VmHWM from /proc/self/status.</summary>
    private static Sample Settle()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        long rss = 0, hwm = 0;
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kib(line);
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) hwm = Kib(line);
        }
        return new Sample(rss, hwm, GC.GetTotalMemory(false) / 1024, Process.GetCurrentProcess().Threads.Count);
    }

    private static long Kib(string line) => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);

    /// <summary>Two connections over loopback with trickle through in-memory calls; a hello each way.</summary>
    private sealed class Pair(RTCPeerConnection offerer, RTCPeerConnection answerer) : IAsyncDisposable
    {
        private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

        public static async Task<Pair> ConnectAsync(string label)
        {
            var offerer = new RTCPeerConnection(Loopback());
            var answerer = new RTCPeerConnection(Loopback());
            var toAnswerer = new PendingCandidateBuffer(answerer);
            var toOfferer = new PendingCandidateBuffer(offerer);
            offerer.OnIceCandidate += (_, e) => toAnswerer.Add(e.CandidateLine);
            answerer.OnIceCandidate += (_, e) => toOfferer.Add(e.CandidateLine);
            var hellos = new CountdownEvent(2);
            var remoteOpen = new TaskCompletionSource<RTCDataChannel>(TaskCreationOptions.RunContinuationsAsynchronously);
            answerer.OnDataChannel += (_, dc) =>
            {
                dc.OnMessage += (_, _) => hellos.Signal();
                dc.OnOpen += (_, _) => remoteOpen.TrySetResult(dc);
                if (dc.ReadyState == RTCDataChannelState.Open) remoteOpen.TrySetResult(dc);
            };
            var channel = offerer.CreateDataChannel(label);
            var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            channel.OnOpen += (_, _) => open.TrySetResult();
            channel.OnMessage += (_, _) => hellos.Signal();

            var offer = offerer.CreateOffer();
            offerer.SetLocalDescription(offer);
            answerer.SetRemoteDescription(new RTCSessionDescription(RTCSdpType.Offer, offer.Sdp));
            toAnswerer.Flush();
            var answer = answerer.CreateAnswer();
            answerer.SetLocalDescription(answer);
            offerer.SetRemoteDescription(new RTCSessionDescription(RTCSdpType.Answer, answer.Sdp));
            toOfferer.Flush();

            await open.Task.WaitAsync(Patience);
            var remote = await remoteOpen.Task.WaitAsync(Patience);
            channel.Send("Hello from the Offerer!");
            remote.Send("Hello from the Answerer!");
            await Task.Run(() => hellos.Wait(Patience));
            return new Pair(offerer, answerer);
        }

        private static RTCConfiguration Loopback() => new()
        {
            Ice = RTCConfiguration.DefaultIce with
            {
                IncludeLoopback = true,
                EnableIPv6 = false,
                InterfaceFilter = static a => a.IsLoopback && a.Address.AddressFamily == AddressFamily.InterNetwork,
            },
        };

        public async ValueTask DisposeAsync()
        {
            await offerer.CloseAsync().WaitAsync(Patience);
            await answerer.CloseAsync().WaitAsync(Patience);
        }
    }
}
