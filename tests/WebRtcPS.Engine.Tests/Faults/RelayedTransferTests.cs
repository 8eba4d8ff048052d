using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using WebRtcPS.Engine.PeerConnection;
using WebRtcPS.Engine.Tests.InteropPeers;
using WebRtcPS.Engine.Tests.PeerConnection;
using WebRtcPS.Engine.Tests.Signaling;
using WebRtcPS.Signaling;
using WebRtcPS.Signaling.Client;
using Xunit.Abstractions;

namespace WebRtcPS.Engine.Tests.Faults;

/// <summary>
/// 64 MiB through one ordered reliable data channel, SHA-256-checked end to end, between two
/// full peers (real UDP sockets, ICE, DTLS, SCTP) whose only path is an <see cref="ImpairmentRelay"/>
/// dropping a seeded share of the datagrams both ways; and the same at 5 % loss towards pion.
/// </summary>
[Collection(RelayedTransferCollection.Name)]
public class RelayedTransferTests(ITestOutputHelper output)
{
    private const int Total = 64 * 1024 * 1024;
    private const int MessageSize = 64 * 1024;
    // A hang guard, never a timed assertion: the class has ~6 minutes in CI for every case together.
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    // Before the SCTP loss fixes (overdue chunks, tail loss probes, spurious T3 undo, immediate
    // SACKs): 1 % 13.6 s, 5 % noisy 145 s, 10 % 105 s, 20 % 4 MiB in 63 s (64 MiB not in 5 minutes).
    public static TheoryData<double, int, bool, int> Cases => new()
    {
        { 0.01, 1, false, Total },
        { 0.05, 5, true, Total },   // with reordering, duplication and jitter besides
        { 0.10, 10, false, Total },
        { 0.20, 20, false, Total },
    };

    private static ImpairmentProfile Profile(double loss, bool noisy) => noisy
        ? new ImpairmentProfile
        {
            LossRate = loss, ReorderRate = 0.02, DuplicateRate = 0.01,
            Delay = TimeSpan.FromMilliseconds(1), Jitter = TimeSpan.FromMilliseconds(2),
        }
        : new ImpairmentProfile { LossRate = loss };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BulkArrivesIntactThroughTheLossyRelay(double loss, int seed, bool noisy, int total)
    {
        await using var relay = ImpairmentRelay.Start(Profile(loss, noisy), seed);
        await using var pair = await RelayedPeers.ConnectAsync(relay);
        using var cts = new CancellationTokenSource(Patience);

        using var received = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long receivedBytes = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pair.AnswererChannel.OnMessage += (_, m) =>
        {
            received.AppendData(m.Data);
            if (Interlocked.Add(ref receivedBytes, m.Data.Length) >= total) done.TrySetResult();
        };

        using var sent = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var random = new Random(seed);
        var clock = Stopwatch.StartNew();
        for (var offset = 0; offset < total; offset += MessageSize)
        {
            var buffer = new byte[MessageSize];
            random.NextBytes(buffer);
            sent.AppendData(buffer);
            await pair.OffererChannel.SendAsync(buffer, cts.Token);
        }
        try
        {
            await done.Task.WaitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{Interlocked.Read(ref receivedBytes)} of {total} bytes after {Patience}; {relay.Describe()}\n{await pair.Offerer.GetDiagnosticsAsync()}");
        }
        var elapsed = clock.Elapsed;

        Assert.Equal(total, Interlocked.Read(ref receivedBytes));
        Assert.Equal(Convert.ToHexString(sent.GetHashAndReset()), Convert.ToHexString(received.GetHashAndReset()));
        Assert.True(relay.AToB.Policy.Lost > 0 && relay.BToA.Policy.Lost > 0, relay.Describe());
        var sctp = await pair.Offerer.GetSctpStatisticsAsync();
        Assert.NotNull(sctp);
        Assert.True(sctp.DataRetransmissions >= relay.AToB.Policy.Lost / 2, $"{sctp.DataRetransmissions} retransmissions for {relay.AToB.Policy.Lost} losses");
        output.WriteLine($"loss {loss:P0}{(noisy ? " + reorder/dup/jitter" : "")}: {total >> 20} MiB in {elapsed.TotalSeconds:F1} s " +
                         $"({total * 8 / elapsed.TotalSeconds / 1e6:F0} Mbit/s), {sctp.DataRetransmissions} retransmissions ({sctp.FastRetransmissions} fast), " +
                         $"{sctp.RetransmissionTimeouts} T3-rtx timeouts ({sctp.SpuriousRetransmissionTimeouts} spurious), {sctp.TailLossProbes} probes, " +
                         $"{sctp.SpuriousFastRetransmissions} spurious fast retransmissions ({sctp.FastRecoveriesUndone} recoveries undone, reordering window {sctp.ReorderingWindow.TotalMilliseconds:F1} ms), " +
                         $"cwnd {sctp.CongestionWindow}, rto {sctp.Rto.TotalMilliseconds:F0} ms, srtt {sctp.SmoothedRtt?.TotalMilliseconds:F1} ms; {relay.Describe()}");
    }

    /// <summary>We offer and send; pion's bulk receiver (tests/interop/pion-peer) hashes what it
    /// gets; the relay sits between, its candidates swapped in our signaling both ways.</summary>
    [SkippableFact]
    public async Task SixtyFourMiBReachPionIntactAtFivePercentLoss()
    {
        await using var harness = await ServerHarness.StartAsync(o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(500));
        await using var peer = await PionPeerInteropTests.StartPionAsync(harness.Server, "answerer", "-mode", "bulk", "-bytes", "0", "-timeout", "300s");
        await peer.WaitForEventAsync("ready");
        await using var relay = ImpairmentRelay.Start(new ImpairmentProfile { LossRate = 0.05 }, seed: 55);
        var rewriter = new CandidateRewriter(relay);
        using var cts = new CancellationTokenSource(Patience);
        await using var pc = new RTCPeerConnection(PeerTestKit.Loopback());
        using var client = new SignalingClient(harness.Server.Url, SeedPeer.OffererId);
        var channel = pc.CreateDataChannel("testChannel");
        var end = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        channel.OnMessage += (_, m) =>
        {
            if (m.IsText && m.Text!.StartsWith("__bulk_done__ ", StringComparison.Ordinal)) end.TrySetResult(m.Text!);
        };
        var opened = PeerTestKit.WhenOpen(channel);
        var run = SeedPeer.RunOffererAsync(pc, m => rewriter.FromA(m) is { } x ? client.SendAsync(x, cts.Token) : Task.CompletedTask,
            Rewritten(client.ReceiveAsync(cts.Token), rewriter), cts.Token, sendEndOfCandidates: false);
        try
        {
            await opened;
            using var sent = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var random = new Random(55);
            var messages = 0;
            var clock = Stopwatch.StartNew();
            for (var offset = 0; offset < Total; offset += 65535)
            {
                var data = new byte[Math.Min(65535, Total - offset)];
                random.NextBytes(data);
                sent.AppendData(data);
                await channel.SendAsync(data, cts.Token);
                messages++;
            }
            var sum = Convert.ToHexStringLower(sent.GetHashAndReset());
            channel.Send("__bulk_end__ " + JsonSerializer.Serialize(new { bytes = Total, messages, sha256 = sum }));
            var done = await end.Task.WaitAsync(cts.Token);
            var elapsed = clock.Elapsed;
            using var doc = JsonDocument.Parse(done["__bulk_done__ ".Length..]);
            Assert.Equal(sum, doc.RootElement.GetProperty("sha256").GetString());
            Assert.Equal(Total, doc.RootElement.GetProperty("bytes").GetInt64());
            var result = await PionPeerInteropTests.ResultAsync(peer);
            Assert.Equal(sum, result.GetProperty("sha256").GetString());
            Assert.True(relay.AToB.Policy.Lost > 0 && relay.BToA.Policy.Lost > 0, relay.Describe());
            var sctp = await pc.GetSctpStatisticsAsync();
            output.WriteLine($"WebRtcPS -> pion at 5 % loss: 64 MiB in {elapsed.TotalSeconds:F1} s ({Total * 8 / elapsed.TotalSeconds / 1e6:F0} Mbit/s), " +
                             $"{sctp?.DataRetransmissions} retransmissions, {sctp?.RetransmissionTimeouts} T3-rtx timeouts; {relay.Describe()}");
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            throw new Xunit.Sdk.XunitException($"{ex.GetType().Name}: {ex.Message}\n{relay.Describe()}\n--- WebRtcPS ---\n{await pc.GetDiagnosticsAsync()}\n--- {peer.Name} ---\n{peer.Transcript()}\n{ex}");
        }
        finally
        {
            await cts.CancelAsync();
            try
            {
                await run;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private static async IAsyncEnumerable<SignalingMessage> Rewritten(IAsyncEnumerable<SignalingMessage> incoming, CandidateRewriter rewriter,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var m in incoming.WithCancellation(ct))
            if (rewriter.FromB(m) is { } x) yield return x;
    }
}
