using System.Net;
using System.Net.Sockets;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.Nat;
using WebRtcPS.Engine.Tests.Turn;
using Xunit.Abstractions;

namespace WebRtcPS.Engine.Tests.Nat;

/// <summary>
/// NAT behaviour discovery over loopback against a real coturn: with two listening addresses
/// (127.0.0.1 and 127.0.0.2) it supports RFC 5780, and loopback has no NAT and no filter; with
/// one it does not, and the answer is partial. Then a server that is not there at all.
/// </summary>
public sealed class NatBehaviorCoturnTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);
    private static readonly IPAddress Second = IPAddress.Parse("127.0.0.2");

    private static void RequireCoturn() =>
        Interop.Require(CoturnServer.Binary is not null && CoturnServer.OpenSsl is not null, "turnserver (coturn) or openssl is not on PATH");

    private void Show(NatBehaviorReport report)
    {
        foreach (var probe in report.Probes) output.WriteLine(probe.ToString());
        foreach (var port in report.TcpPorts) output.WriteLine(port.ToString());
        output.WriteLine($"{report.MappingBehavior}/{report.FilteringBehavior}: {report.VerdictText} ({report.Reason}) in {report.Elapsed.TotalMilliseconds:0} ms");
    }

    [SkippableFact]
    public async Task TwoLoopbackAddresses_NoNat_EndpointIndependentFiltering_Hairpinning()
    {
        RequireCoturn();
        await using var coturn = await CoturnServer.StartAsync(new CoturnSettings { SecondAddress = Second });
        var report = await NatBehaviorDiscovery.RunAsync(new NatDiscoveryOptions
        {
            StunServer = IceServerUri.Parse($"stun:127.0.0.1:{coturn.Port}"),
            TurnPorts = [coturn.Port, coturn.TlsPort],
        }).WaitAsync(Generous);
        Show(report);

        Assert.True(report.Rfc5780Supported, report.Reason);
        Assert.Equal(new IPEndPoint(Second, coturn.Port + 1), report.OtherAddress);
        Assert.Equal(IPAddress.Loopback, report.LocalAddress.Address);
        Assert.Equal(report.LocalAddress, report.MappedAddress);
        Assert.Equal(NatMappingBehavior.NoNat, report.MappingBehavior);
        Assert.Equal(NatFilteringBehavior.EndpointIndependent, report.FilteringBehavior);
        Assert.Equal(NatVerdict.Direct, report.Verdict);
        Assert.Null(report.Reason);
        Assert.True(report.Hairpinning);
        Assert.True(report.PortPreserved);
        Assert.False(report.UdpBlocked);
        Assert.True(report.TcpReachable);
        Assert.All(report.TcpPorts, p => Assert.Equal(NatTcpOutcome.Open, p.Outcome));

        // The CHANGE-REQUEST answers really came from the alternate address and port.
        var byName = report.Probes.ToDictionary(p => p.Name);
        Assert.Equal(new IPEndPoint(Second, coturn.Port + 1), byName["filtering test II"].Source);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, coturn.Port + 1), byName["filtering test III"].Source);
        Assert.Equal(new IPEndPoint(Second, coturn.Port), byName["mapping test II"].Destination);
        Assert.Equal(report.MappedAddress, byName["mapping test III"].Mapped);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, coturn.Port), byName["mapping test I"].ResponseOrigin);
    }

    [SkippableFact]
    public async Task OneAddress_NoRfc5780_IsAPartialAnswerNotAnError()
    {
        RequireCoturn();
        await using var coturn = await CoturnServer.StartAsync();
        var report = await NatBehaviorDiscovery.RunAsync(new NatDiscoveryOptions
        {
            StunServer = IceServerUri.Parse($"stun:127.0.0.1:{coturn.Port}"),
            LocalAddress = IPAddress.Loopback,
            TurnPorts = [coturn.Port],
        }).WaitAsync(Generous);
        Show(report);

        Assert.False(report.Rfc5780Supported);
        Assert.Null(report.OtherAddress);
        Assert.Equal(report.LocalAddress, report.MappedAddress);
        Assert.Equal(NatMappingBehavior.NoNat, report.MappingBehavior);
        Assert.Equal(NatFilteringBehavior.Unknown, report.FilteringBehavior);
        Assert.Contains("OTHER-ADDRESS", report.Reason);
        Assert.Equal(NatVerdict.DirectUnlessOtherSideSymmetric, report.Verdict);
        Assert.False(report.UdpBlocked);
        Assert.True(report.TcpReachable);
    }

    [Fact]
    public async Task NothingListening_IsUdpBlockedAndNoConnectivity_WithinTheTimeout()
    {
        int port = FreeUdpAndTcpPort();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var report = await NatBehaviorDiscovery.RunAsync(new NatDiscoveryOptions
        {
            StunServer = IceServerUri.Parse($"stun:127.0.0.1:{port}"),
            TurnPorts = [port],
            Timeout = TimeSpan.FromSeconds(1),
        }).WaitAsync(Generous);
        Show(report);

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(15));
        Assert.True(report.UdpBlocked);
        Assert.False(report.TcpReachable);
        Assert.Equal(NatTcpOutcome.Refused, Assert.Single(report.TcpPorts).Outcome);
        Assert.Equal(NatVerdict.NoConnectivity, report.Verdict);
        Assert.Equal(2, report.Probes.Single(p => p.Name == "mapping test I").RequestsSent);
        Assert.Null(report.MappedAddress);
    }

    [Fact]
    public async Task ALocalAddressNotOurs_IsATypedError()
    {
        var error = await Assert.ThrowsAsync<NatDiscoveryException>(() => NatBehaviorDiscovery.RunAsync(new NatDiscoveryOptions
        {
            StunServer = IceServerUri.Parse("stun:127.0.0.1:3478"),
            LocalAddress = IPAddress.Parse("192.0.2.1"),
        }));
        Assert.Equal(NatDiscoveryError.LocalAddressUnavailable, error.Error);
        Assert.Contains("192.0.2.1", error.Message);
    }

    private static int FreeUdpAndTcpPort()
    {
        while (true)
        {
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            int port = ((IPEndPoint)udp.LocalEndPoint!).Port;
            try
            {
                using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // taken for TCP
            }
        }
    }
}
