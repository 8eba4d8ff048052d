using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.Turn;
using Xunit.Abstractions;

namespace WebRtcPS.Engine.Tests.Turn;

/// <summary>TurnProbe (behind Test-WrtcIceServer) against a real coturn: every verdict.</summary>
public sealed class TurnProbeTests(CoturnFixture fixture, ITestOutputHelper output) : IClassFixture<CoturnFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    private static TurnSettings Trusting(CoturnServer server) => new() { CertificateValidationCallback = server.TrustOwnCertificate };

    private void Print(TurnProbeResult r) =>
        output.WriteLine($"{r.Uri} [{r.Transport}] {r.VerdictText}: reachable={r.Reachable} auth={r.Authenticated} relayed={r.RelayedAddress} mapped={r.MappedAddress} allocate={r.AllocateMs:0.0} ms rtt={r.RttMs:0.00} ms code={r.ErrorCode} error={r.Error}");

    [SkippableTheory]
    [InlineData("udp")]
    [InlineData("tcp")]
    [InlineData("tls")]
    public async Task TurnServerIsOk(string transport)
    {
        var server = fixture.Require();
        var uri = transport switch { "udp" => server.UdpUri, "tcp" => server.TcpUri, _ => server.TlsUri };
        var r = await TurnProbe.RunAsync(uri, CoturnServer.User, CoturnServer.Password, Timeout, Trusting(server)).WaitAsync(Generous);
        Print(r);
        Assert.Equal(TurnProbeVerdict.Ok, r.Verdict);
        Assert.Equal("OK", r.VerdictText);
        Assert.Equal(transport, r.Transport);
        Assert.True(r.Reachable && r.Authenticated);
        Assert.StartsWith("127.0.0.1:", r.RelayedAddress);
        Assert.StartsWith("127.0.0.1:", r.MappedAddress);
        Assert.True(r.AllocateMs > 0 && r.RttMs > 0);
        Assert.Null(r.Error);
    }

    [SkippableFact]
    public async Task WrongPasswordIsAuthenticationFailed()
    {
        var server = fixture.Require();
        var r = await TurnProbe.RunAsync(server.UdpUri, CoturnServer.User, "nope", Timeout).WaitAsync(Generous);
        Print(r);
        Assert.Equal(TurnProbeVerdict.AuthenticationFailed, r.Verdict);
        Assert.Equal("Authentication failed", r.VerdictText);
        Assert.True(r.Reachable);
        Assert.False(r.Authenticated);
        Assert.Equal(401, r.ErrorCode);
    }

    [SkippableFact]
    public async Task NoCredentialsIsAuthenticationFailed()
    {
        var server = fixture.Require();
        var r = await TurnProbe.RunAsync(server.TcpUri, null, null, Timeout).WaitAsync(Generous);
        Print(r);
        Assert.Equal(TurnProbeVerdict.AuthenticationFailed, r.Verdict);
    }

    [SkippableTheory]
    [InlineData("turn:127.0.0.1:{0}")]
    [InlineData("turn:127.0.0.1:{0}?transport=tcp")]
    [InlineData("turns:127.0.0.1:{0}")]
    [InlineData("stun:127.0.0.1:{0}")]
    public async Task ClosedPortIsNotReachable(string template)
    {
        fixture.Require();
        int port;
        using (var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)s.LocalEndPoint!).Port;
        }
        var r = await TurnProbe.RunAsync(IceServerUri.Parse(string.Format(template, port)), "u", "p", Timeout).WaitAsync(Generous);
        Print(r);
        Assert.Equal(TurnProbeVerdict.NotReachable, r.Verdict);
        Assert.Equal("Not reachable", r.VerdictText);
        // NotReachable rather than TimedOut: the refusal (ICMP, RST) ended it before the timeout; no
        // wall-clock bound needed.
        Assert.False(r.Reachable);
    }

    [SkippableFact]
    public async Task UntrustedCertificateIsTlsError()
    {
        var server = fixture.Require();
        var r = await TurnProbe.RunAsync(server.TlsUri, CoturnServer.User, CoturnServer.Password, Timeout).WaitAsync(Generous);
        Print(r);
        Assert.Equal(TurnProbeVerdict.TlsError, r.Verdict);
        Assert.Equal("TLS error", r.VerdictText);
        Assert.Contains("RemoteCertificateChainErrors", r.Error);

        var skipped = await TurnProbe.RunAsync(server.TlsUri, CoturnServer.User, CoturnServer.Password, Timeout, new TurnSettings { SkipCertificateCheck = true }).WaitAsync(Generous);
        Print(skipped);
        Assert.Equal(TurnProbeVerdict.Ok, skipped.Verdict);
        Assert.True(skipped.CertificateCheckSkipped);
    }

    [SkippableTheory]
    [InlineData("turn")]
    [InlineData("stun")]
    public async Task SilentServerTimesOutWithinTheTimeout(string scheme)
    {
        fixture.Require();
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var uri = IceServerUri.Parse($"{scheme}:127.0.0.1:{((IPEndPoint)silent.LocalEndPoint!).Port}");
        var watch = Stopwatch.StartNew();
        var r = await TurnProbe.RunAsync(uri, "u", "p", TimeSpan.FromSeconds(1)).WaitAsync(Generous);
        Print(r);
        Assert.Equal(TurnProbeVerdict.TimedOut, r.Verdict);
        Assert.Equal("Timed out", r.VerdictText);
        // Not before the 1 s timeout. The upper bound only tells the timeout from the transactions' own
        // 39.5 s budget (RFC 8489 §6.2.1 defaults), with room for a loaded machine.
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(20));
    }

    [SkippableFact]
    public async Task StunBindingIsOk()
    {
        var server = fixture.Require();
        var r = await TurnProbe.RunAsync(IceServerUri.Parse($"stun:127.0.0.1:{server.Port}"), null, null, Timeout).WaitAsync(Generous);
        Print(r);
        Assert.Equal(TurnProbeVerdict.Ok, r.Verdict);
        Assert.True(r.Reachable);
        Assert.False(r.Authenticated);
        Assert.Null(r.RelayedAddress);
        Assert.StartsWith("127.0.0.1:", r.MappedAddress);
        Assert.True(r.RttMs > 0);
    }

    [SkippableFact]
    public async Task StunsBindingOverTlsIsOk()
    {
        var server = fixture.Require();
        var r = await TurnProbe.RunAsync(IceServerUri.Parse($"stuns:127.0.0.1:{server.TlsPort}"), null, null, Timeout, Trusting(server)).WaitAsync(Generous);
        Print(r);
        Assert.Equal(TurnProbeVerdict.Ok, r.Verdict);
        Assert.Equal("tls", r.Transport);
    }

    [SkippableFact]
    public async Task UnavailableRelayFamilyIsAllocationRefused()
    {
        var server = fixture.Require();
        // The refusal easiest to provoke: coturn relays from 127.0.0.1 only, so an IPv6 relayed
        // address (REQUESTED-ADDRESS-FAMILY) is refused with 440 Address Family not Supported.
        var options = server.Options(server.UdpUri) with { RelayAddressFamily = AddressFamily.InterNetworkV6 };
        var ex = await Assert.ThrowsAsync<TurnException>(() => TurnClient.AllocateAsync(options).WaitAsync(Generous));
        output.WriteLine($"{ex.Error} {ex.ErrorCode} {ex.Reason}: {ex.Message}");
        Assert.Equal(TurnError.AllocationRefused, ex.Error);
        Assert.Equal(440, ex.ErrorCode);
    }
}
