using System.Diagnostics;
using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.PeerConnection;
using WebRtcPS.Engine.Tests.PeerConnection;
using Xunit.Abstractions;

namespace WebRtcPS.Engine.Tests.Faults;

/// <summary>
/// Nothing left behind: 200 connect/close cycles of two peer connections (ICE, DTLS, SCTP, a data
/// channel, a message each way) in this process, then sockets, threads, timers and managed memory
/// back at their baseline within a small tolerance. Runs alone: the counts are per process.
/// </summary>
[Collection(ProcessCountsCollection.Name)]
public sealed class ConnectCloseLeakTests(ITestOutputHelper output)
{
    private const int Cycles = 200;

    [Fact]
    public async Task TwoHundredConnectCloseCycles_LeaveNothingBehind()
    {
        // One certificate for all: generating 400 ECDSA keys would only cost time.
        var config = PeerTestKit.Loopback() with { Certificates = [RTCCertificate.Generate()] };
        // Warm-up: the first connection fills static caches, the thread pool and the JIT.
        for (var i = 0; i < 3; i++) await CycleAsync(config, i);
        var baseline = await ProcessCounts.SettledAsync(null);
        output.WriteLine($"baseline {baseline}");

        var sw = Stopwatch.StartNew();
        for (var i = 0; i < Cycles; i++) await CycleAsync(config, i);
        output.WriteLine($"{Cycles} cycles in {sw.Elapsed.TotalSeconds:F1} s");

        var after = await ProcessCounts.SettledAsync(baseline);
        output.WriteLine($"after    {after}");
        Assert.True(after.Sockets <= baseline.Sockets, $"sockets: {baseline.Sockets} -> {after.Sockets}");
        Assert.True(after.Timers <= baseline.Timers + 2, $"timers: {baseline.Timers} -> {after.Timers}");
        Assert.True(after.OwnThreads <= baseline.OwnThreads + 2, $"threads outside the pool: {baseline.OwnThreads} -> {after.OwnThreads}");
        // A leaked connection holds far more than this (certificate, buffers, SCTP queues): 200 of
        // them would be tens of megabytes.
        Assert.True(after.ManagedBytes <= baseline.ManagedBytes + 2 * 1024 * 1024, $"managed bytes: {baseline.ManagedBytes} -> {after.ManagedBytes}");
    }

    private static async Task CycleAsync(RTCConfiguration config, int i)
    {
        await using var pair = await PeerTestKit.ConnectAsync(offererConfig: config, answererConfig: config);
        pair.OffererChannel.Send($"ping {i}");
        Assert.Equal($"ping {i}", await pair.AnswererSink.NextTextAsync());
        pair.AnswererChannel.Send($"pong {i}");
        Assert.Equal($"pong {i}", await pair.OffererSink.NextTextAsync());
    }
}
