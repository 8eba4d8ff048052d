using System.Net;
using WebRtcPS.Engine.Ice;

namespace WebRtcPS.Engine.Tests.Ice;

public sealed class CandidatePairPriorityTests
{
    [Fact]
    public void Formula_MatchesRfc8445Section6123()
    {
        uint g = 2130706431, d = 1694498815;
        // 2^32 × MIN(G,D) + 2 × MAX(G,D) + (G > D ? 1 : 0)
        Assert.Equal(((ulong)d << 32) + 2UL * g + 1, CandidatePairPriority.Compute(g, d));
        Assert.Equal(((ulong)d << 32) + 2UL * g, CandidatePairPriority.Compute(d, g));
        Assert.Equal(((ulong)g << 32) + 2UL * g, CandidatePairPriority.Compute(g, g));
    }

    [Fact]
    public void BothSides_ComputeTheSamePriority()
    {
        uint local = 2130706431, remote = 1862270975;
        Assert.Equal(CandidatePairPriority.Compute(RTCIceRole.Controlling, local, remote),
                     CandidatePairPriority.Compute(RTCIceRole.Controlled, remote, local));
    }
}

public sealed class RTCIceParametersTests
{
    [Fact]
    public void Generate_MeetsRfc8445Randomness_AndIceChars()
    {
        var seen = new HashSet<string>();
        for (int i = 0; i < 100; i++)
        {
            var p = RTCIceParameters.Generate().Validate();
            // 6 bits per ice-char: ufrag >= 24 bits, pwd >= 128 bits (RFC 8445 §5.3).
            Assert.True(p.UsernameFragment.Length * 6 >= 24);
            Assert.True(p.Password.Length * 6 >= 128);
            Assert.True(seen.Add(p.UsernameFragment));
        }
    }

    [Theory]
    [InlineData("abc", "0123456789012345678901")]
    [InlineData("abcd", "short")]
    [InlineData("ab-d", "0123456789012345678901")]
    public void Validate_RejectsBadValues(string ufrag, string pwd) =>
        Assert.Throws<ArgumentException>(() => new RTCIceParameters(ufrag, pwd).Validate());

    [Fact]
    public void ToString_HidesThePassword() => Assert.DoesNotContain("secret", new RTCIceParameters("abcd", "secret0123456789012345").ToString());
}

public sealed class IceServerUriTests
{
    [Theory]
    [InlineData("stun:stun.example.org", IceServerScheme.Stun, "stun.example.org", 3478)]
    [InlineData("stun:127.0.0.1:19302", IceServerScheme.Stun, "127.0.0.1", 19302)]
    [InlineData("stun:[::1]:5000", IceServerScheme.Stun, "::1", 5000)]
    [InlineData("stuns:example.org", IceServerScheme.Stuns, "example.org", 5349)]
    [InlineData("turn:example.org?transport=tcp", IceServerScheme.Turn, "example.org", 3478)]
    [InlineData("TURNS:example.org:443?transport=tcp", IceServerScheme.Turns, "example.org", 443)]
    public void Parse_Valid(string text, object schemeValue, string host, int port)
    {
        var scheme = (IceServerScheme)schemeValue; // (an internal enum cannot be a public theory's parameter type)
        var uri = IceServerUri.Parse(text);
        Assert.Equal(scheme, uri.Scheme);
        Assert.Equal(host, uri.Host);
        Assert.Equal(port, uri.Port);
        Assert.Equal(uri, IceServerUri.Parse(uri.ToString()));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("http://x", "scheme")]
    [InlineData("stun:x:0", "port")]
    [InlineData("stun:x:99999", "port")]
    [InlineData("stun:x?transport=udp", "no query")]
    [InlineData("turn:x?transport=sctp", "transport=")]
    [InlineData("stun:[::1", "']'")]
    public void Parse_Invalid_SaysWhy(string text, string because)
    {
        Assert.False(IceServerUri.TryParse(text, out _, out var error));
        Assert.Contains(because, error);
    }

    [Fact]
    public void Options_RejectBadServerUris() =>
        Assert.Throws<ArgumentException>(() => new IceAgentOptions { IceServers = ["stun:"] }.Validate());
}

public sealed class MdnsMessageTests
{
    [Fact]
    public void Query_IsOneQuestion_WithQuBit()
    {
        var query = MdnsMessage.BuildQuery("abc.local", MdnsMessage.TypeA);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, (byte)'a', (byte)'b', (byte)'c', 5, (byte)'l', (byte)'o', (byte)'c', (byte)'a', (byte)'l', 0, 0, 1, 0x80, 1 }, query);
    }

    [Fact]
    public void Response_WithCompressedNames_GivesTheAddresses()
    {
        var name = "1f2e3d4c-aaaa-bbbb-cccc-0123456789ab.local";
        var response = new List<byte> { 0, 0, 0x84, 0, 0, 0, 0, 2, 0, 0, 0, 0 };
        int nameOffset = response.Count;
        foreach (var label in name.Split('.'))
        {
            response.Add((byte)label.Length);
            response.AddRange(System.Text.Encoding.ASCII.GetBytes(label));
        }
        response.Add(0);
        response.AddRange(new byte[] { 0, 1, 0x80, 1, 0, 0, 0, 120, 0, 4, 198, 18, 0, 7 });          // A, cache-flush
        response.AddRange(new byte[] { 0xC0, (byte)nameOffset, 0, 28, 0, 1, 0, 0, 0, 120, 0, 16 }); // AAAA via pointer
        response.AddRange(IPAddress.Parse("fd00::7").GetAddressBytes());

        var addresses = MdnsMessage.ParseAddresses(response.ToArray(), name.ToUpperInvariant());
        Assert.Equal([IPAddress.Parse("198.18.0.7"), IPAddress.Parse("fd00::7")], addresses);
        Assert.Empty(MdnsMessage.ParseAddresses(response.ToArray(), "other.local"));
    }

    [Fact]
    public void Garbage_NeverThrows()
    {
        var random = new Random(3);
        for (int i = 0; i < 20_000; i++)
        {
            var junk = new byte[random.Next(0, 80)];
            random.NextBytes(junk);
            if (junk.Length > 3) junk[2] |= 0x80;
            MdnsMessage.ParseAddresses(junk, "x.local");
        }
        // A pointer loop.
        Assert.Empty(MdnsMessage.ParseAddresses(new byte[] { 0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0xC0, 12 }, "x.local"));
    }
}

public sealed class VirtualIceNetworkTests
{
    [Fact]
    public async Task DeliversBlackholesAndDropsBySeed()
    {
        var net = new VirtualIceNetwork(seed: 5);
        var h1 = net.CreateHost(IPAddress.Parse("198.18.0.1"));
        var h2 = net.CreateHost(IPAddress.Parse("198.18.0.2"));
        await using var s1 = h1.BindUdp(new IPEndPoint(IPAddress.Parse("198.18.0.1"), 0));
        await using var s2 = h2.BindUdp(new IPEndPoint(IPAddress.Parse("198.18.0.2"), 5000));
        Assert.NotEqual(0, s1.LocalEndPoint.Port);
        Assert.Throws<System.Net.Sockets.SocketException>(() => h1.BindUdp(new IPEndPoint(IPAddress.Parse("198.18.0.2"), 0)));

        await s1.SendToAsync(new byte[] { 1, 2, 3 }, s2.LocalEndPoint);
        var buffer = new byte[10];
        var received = await s2.ReceiveFromAsync(buffer);
        Assert.Equal(3, received.Length);
        Assert.Equal(s1.LocalEndPoint, received.RemoteEndPoint);

        net.Blackhole(s2.LocalEndPoint);
        await s1.SendToAsync(new byte[] { 9 }, s2.LocalEndPoint);
        Assert.Equal(1, net.Dropped);
        net.ClearBlackholes();

        net.LossRate = 0.5;
        for (int i = 0; i < 1000; i++) await s1.SendToAsync(new byte[] { 1 }, s2.LocalEndPoint);
        Assert.InRange(net.Dropped, 400, 600);
    }

    [Fact]
    public async Task HostSelection_SkipsLinkLocalAndLoopbackUnlessAlone()
    {
        var net = new VirtualIceNetwork();
        var addresses = new[] { IPAddress.Loopback, IPAddress.Parse("fe80::1"), IPAddress.Parse("198.18.0.1"), IPAddress.Parse("fd00::1") };
        await using var agent = new IceAgent(new IceAgentOptions(), net.CreateHost(addresses));
        agent.StartGathering();
        var diagnostics = await agent.GetDiagnosticsAsync();
        Assert.Equal(["fd00::1", "198.18.0.1"], diagnostics.LocalCandidates.Select(c => c.Address));
        // IPv6 first, distinct local preferences (RFC 8445 §5.1.2.1, RFC 8421).
        Assert.True(diagnostics.LocalCandidates[0].Priority > diagnostics.LocalCandidates[1].Priority);
        Assert.All(diagnostics.LocalCandidates, c => Assert.Equal(CandidatePriority.HostTypePreference, c.PriorityParts.TypePreference));

        await using var withLoopback = new IceAgent(new IceAgentOptions { IncludeLoopback = true, EnableIPv6 = false }, net.CreateHost(IPAddress.Loopback, IPAddress.Parse("198.18.0.3")));
        withLoopback.StartGathering();
        Assert.Equal(["198.18.0.3", "127.0.0.1"], (await withLoopback.GetDiagnosticsAsync()).LocalCandidates.Select(c => c.Address));

        await using var alone = new IceAgent(new IceAgentOptions(), net.CreateHost(IPAddress.Loopback));
        alone.StartGathering();
        Assert.Equal(["127.0.0.1"], (await alone.GetDiagnosticsAsync()).LocalCandidates.Select(c => c.Address));

        await using var filtered = new IceAgent(new IceAgentOptions { InterfaceFilter = a => a.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork }, net.CreateHost(addresses));
        filtered.StartGathering();
        Assert.Equal(["198.18.0.1"], (await filtered.GetDiagnosticsAsync()).LocalCandidates.Select(c => c.Address));
    }

    [Fact]
    public async Task Close_EndsTheEventStream_AndTransportReceives()
    {
        var net = new VirtualIceNetwork();
        var agent = new IceAgent(new IceAgentOptions(), net.CreateHost(IPAddress.Parse("198.18.0.1")));
        agent.StartGathering();
        var receive = agent.Transport.ReceiveAsync(new byte[10]).AsTask();
        await agent.Transport.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => receive);
        var events = new List<IceEvent>();
        await foreach (var e in agent.Events.ReadAllAsync()) events.Add(e);
        Assert.Equal(RTCIceTransportState.Closed, Assert.IsType<IceStateChangedEvent>(events[^1]).NewState);
        Assert.Equal(RTCIceTransportState.Closed, agent.State);
        Assert.Throws<ObjectDisposedException>(() => agent.AddRemoteCandidate(null));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => agent.Transport.SendAsync(new byte[] { 23 }).AsTask());
        await agent.DisposeAsync();   // idempotent
        Assert.Equal(RTCIceTransportState.Closed, (await agent.GetDiagnosticsAsync()).State);
    }

    [Fact]
    public async Task Logger_GetsMilestones_WithIceEventIds()
    {
        var logger = new ListLogger();
        var net = new VirtualIceNetwork();
        await using (var agent = new IceAgent(new IceAgentOptions { Logger = logger }, net.CreateHost(IPAddress.Parse("198.18.0.1"))))
        {
            agent.StartGathering();
            agent.SetRemoteParameters(RTCIceParameters.Generate());
            agent.AddRemoteCandidate(RTCIceCandidate.Parse("candidate:1 1 tcp 1 198.18.0.2 9 typ host tcptype active"));
            await agent.GetDiagnosticsAsync();
        }
        Assert.Contains(logger.Entries, e => e.Id.Id == 2001 && e.Message.Contains("198.18.0.1"));
        Assert.Contains(logger.Entries, e => e.Id.Id == 2005 && e.Message.Contains("TCP"));
        Assert.Contains(logger.Entries, e => e.Id.Id == 2000 && e.Message.Contains("Closed"));
        Assert.All(logger.Entries, e => Assert.InRange(e.Id.Id, 2000, 2099));
    }
}
