using System.Diagnostics;
using System.Security.Cryptography;
using WebRtcPS.Engine.PeerConnection;
using Xunit.Abstractions;

namespace WebRtcPS.Engine.Tests.PeerConnection;

[CollectionDefinition(nameof(PeerConnectionMeasurements), DisableParallelization = true)]
public sealed class PeerConnectionMeasurementsCollection;

/// <summary>
/// Informational figures (printed, never asserted): WebRtcPS↔WebRtcPS in one process over
/// loopback. Run alone (no parallel tests) to reduce noise; compare with INTEROP-NOTES' pion↔pion
/// and aiortc↔aiortc figures in one run on the same machine.
/// </summary>
[Collection(nameof(PeerConnectionMeasurements))]
public sealed class PeerConnectionMeasurements(ITestOutputHelper output)
{
    private readonly ITestOutputHelper _output = output;

    [Fact]
    public async Task Setup_time_offer_created_to_channel_open_median_of_11()
    {
        var times = new List<double>();
        // Run 0 warms up (JIT, BouncyCastle, sockets): the first connection in a process pays ~0.5-1 s of that.
        for (var i = 0; i <= 11; i++)
        {
            var offerer = new RTCPeerConnection(PeerTestKit.Loopback());
            var answerer = new RTCPeerConnection(PeerTestKit.Loopback());
            var channel = offerer.CreateDataChannel("testChannel");
            var opened = PeerTestKit.WhenOpen(channel);
            var sw = Stopwatch.StartNew();
            await using (InMemorySignaling.Start(offerer, answerer))
            {
                await opened;
                sw.Stop();
            }
            if (i > 0) times.Add(sw.Elapsed.TotalMilliseconds);
            else _output.WriteLine($"warm-up run: {sw.Elapsed.TotalMilliseconds:F1} ms");
            await offerer.DisposeAsync();
            await answerer.DisposeAsync();
            if (sw.Elapsed > TimeSpan.FromMilliseconds(300) && Environment.GetEnvironmentVariable("WRTC_TRACE_SETUP") == "1")
            {
                foreach (var (name, pc) in new[] { ("offerer", offerer), ("answerer", answerer) })
                    await foreach (var e in pc.Events.ReadAllAsync())
                        _output.WriteLine($"{name} {e.Timestamp:HH:mm:ss.fff} {(e is PeerConnectionIceEvent ie ? ie.Ice.ToString() : e.ToString())}");
            }
        }
        times.Sort();
        _output.WriteLine($"setup (offer created -> channel open), 11 runs: median {times[5]:F1} ms, min {times[0]:F1}, max {times[^1]:F1}; all: {string.Join(", ", times.Select(t => t.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)))}");
        Assert.Equal(11, times.Count);
    }

    [Theory]
    [InlineData(65535)]
    [InlineData(262144)]
    public async Task Sixty_four_MiB_throughput(int messageSize)
    {
        await using var pair = await PeerTestKit.ConnectAsync();
        const int total = 64 * 1024 * 1024;
        var source = RandomNumberGenerator.GetBytes(messageSize);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var expected = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long received = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pair.AnswererChannel.OnMessage += (_, m) =>
        {
            hash.AppendData(m.Data);
            if ((received += m.Data.Length) >= total) done.TrySetResult();
        };
        var sw = Stopwatch.StartNew();
        for (long sent = 0; sent < total; sent += messageSize)
        {
            var n = (int)Math.Min(messageSize, total - sent);
            expected.AppendData(source, 0, n);
            await pair.OffererChannel.SendAsync(source.AsMemory(0, n));
        }
        await done.Task.WaitAsync(TimeSpan.FromSeconds(120));
        sw.Stop();
        Assert.Equal(expected.GetHashAndReset(), hash.GetHashAndReset());
        var stats = await pair.Offerer.GetStatsAsync();
        var transport = stats.OfType<RTCTransportStats>().Single();
        _output.WriteLine($"WebRtcPS -> WebRtcPS, 64 MiB in {messageSize}-byte messages: {total * 8 / sw.Elapsed.TotalSeconds / 1e6:F1} Mbit/s " +
            $"({sw.Elapsed.TotalMilliseconds:F0} ms; SCTP retransmissions {transport.SctpRetransmissions}, cwnd {transport.SctpCongestionWindow}, SRTT {transport.SctpSmoothedRoundTripTime?.TotalMilliseconds:F2} ms)");
    }
}
