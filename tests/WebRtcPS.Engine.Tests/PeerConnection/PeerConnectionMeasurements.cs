using System.Diagnostics;
using System.Security.Cryptography;
using WebRtcPS.Engine.PeerConnection;
using Xunit.Abstractions;

namespace WebRtcPS.Engine.Tests.PeerConnection;

[CollectionDefinition(nameof(PeerConnectionMeasurements), DisableParallelization = true)]
public sealed class PeerConnectionMeasurementsCollection;

/// <summary>
/// 64 MiB WebRtcPS↔WebRtcPS in one process over loopback: asserted, every byte arrives (SHA-256);
/// the throughput is printed besides. Run alone (no parallel tests) to reduce noise in the figure.
/// Setup time is measured by bench/peers (hello rounds), not here.
/// </summary>
[Collection(nameof(PeerConnectionMeasurements))]
public sealed class PeerConnectionMeasurements(ITestOutputHelper output)
{
    private readonly ITestOutputHelper _output = output;

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
