using System.Diagnostics;
using System.Security.Cryptography;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.PeerConnection;
using WebRtcPS.Engine.Tests.PeerConnection;
using WebRtcPS.Engine.Tests.Turn;
using Xunit.Abstractions;

namespace WebRtcPS.Engine.Tests.Relay;

/// <summary>Relay-only RTCPeerConnection pairs (IceTransportPolicy.Relay, a turn: server in IceServers) through
/// a real coturn over UDP, TCP and TLS: greetings, a 16 MiB SHA-256-checked transfer, and the
/// selected pair is relay-to-relay on both sides.</summary>
public sealed class RelayPeerConnectionTests(CoturnFixture fixture, ITestOutputHelper output) : IClassFixture<CoturnFixture>
{
    internal static IceServerUri UriFor(CoturnServer server, string transport) =>
        transport switch { "udp" => server.UdpUri, "tcp" => server.TcpUri, _ => server.TlsUri };

    /// <summary>Relay-only configuration through <paramref name="server"/>; TLS trusts exactly its certificate.</summary>
    internal static RTCConfiguration RelayOnly(CoturnServer server, string transport) => new()
    {
        IceTransportPolicy = RTCIceTransportPolicy.Relay,
        IceServers = [server.IceServer(UriFor(server, transport))],
        Turn = server.ClientSettings,
        Ice = RTCConfiguration.DefaultIce with { EnableIPv6 = false },
    };

    internal static async Task AssertRelayPairAsync(RTCPeerConnection pc)
    {
        var report = await pc.GetStatsAsync().WaitAsync(PeerTestKit.Patience);
        var selected = report.SelectedCandidatePair;
        Assert.NotNull(selected);
        var local = Assert.IsType<RTCIceCandidateStats>(report[selected.LocalCandidateId]);
        var remote = Assert.IsType<RTCIceCandidateStats>(report[selected.RemoteCandidateId]);
        Assert.Equal("relay", local.CandidateType);
        Assert.Equal("relay", remote.CandidateType);
        Assert.All(report.OfType<RTCIceCandidateStats>().Where(c => c.Type == "local-candidate"), c => Assert.Equal("relay", c.CandidateType));
    }

    [SkippableTheory]
    [InlineData("udp")]
    [InlineData("tcp")]
    [InlineData("tls")]
    public async Task RelayOnlyPairCarriesGreetingsAndSixteenMiB(string transport)
    {
        var server = fixture.Require();
        var setup = Stopwatch.StartNew();
        await using var pair = await PeerTestKit.ConnectAsync(offererConfig: RelayOnly(server, transport), answererConfig: RelayOnly(server, transport));
        setup.Stop();
        await AssertRelayPairAsync(pair.Offerer);
        await AssertRelayPairAsync(pair.Answerer);

        pair.OffererChannel.Send("Hello from the Offerer!");
        Assert.Equal("Hello from the Offerer!", await pair.AnswererSink.NextTextAsync());
        pair.AnswererChannel.Send("Hello from the Answerer!");
        Assert.Equal("Hello from the Answerer!", await pair.OffererSink.NextTextAsync());

        const int total = 16 * 1024 * 1024, chunk = 65536;
        var source = RandomNumberGenerator.GetBytes(total);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long received = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pair.AnswererChannel.OnMessage += (_, m) =>
        {
            hash.AppendData(m.Data);
            if ((received += m.Data.Length) >= total) done.TrySetResult();
        };
        var sw = Stopwatch.StartNew();
        for (var offset = 0; offset < total; offset += chunk)
            await pair.OffererChannel.SendAsync(source.AsMemory(offset, chunk));
        await done.Task.WaitAsync(TimeSpan.FromSeconds(120));
        sw.Stop();
        Assert.Equal(SHA256.HashData(source), hash.GetHashAndReset());
        var transportStats = (await pair.Offerer.GetStatsAsync()).OfType<RTCTransportStats>().Single();
        // The first connection of a process pays for JIT and first use of sockets/TLS (up to ~2 s
        // here); a second one shows the setup itself.
        var again = Stopwatch.StartNew();
        await using (var second = await PeerTestKit.ConnectAsync(offererConfig: RelayOnly(server, transport), answererConfig: RelayOnly(server, transport)))
        {
            again.Stop();
            await AssertRelayPairAsync(second.Answerer);
        }
        output.WriteLine($"FIGURE relay {transport}: setup (construct → both channels open) {setup.Elapsed.TotalMilliseconds:F0} ms, again {again.Elapsed.TotalMilliseconds:F0} ms; " +
            $"16 MiB in {sw.Elapsed.TotalMilliseconds:F0} ms = {total * 8 / sw.Elapsed.TotalSeconds / 1e6:F1} Mbit/s; SCTP retransmissions {transportStats.SctpRetransmissions}");
    }
}
