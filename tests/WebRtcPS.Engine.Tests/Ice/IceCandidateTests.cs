using System.Net;
using WebRtcPS.Engine.Ice;

namespace WebRtcPS.Engine.Tests.Ice;

public sealed class IceCandidateTests
{
    // Lines in the shapes Chrome, Firefox and pion put in SDP and onicecandidate.
    public static TheoryData<string> RoundTripExactly => new(Lines);

    internal static readonly string[] Lines =
    [
        // Chrome: host (mDNS), srflx, relay, IPv6 host, TCP host with tcptype; generation/ufrag/network-* extensions.
        "candidate:3958423936 1 udp 2113937151 4a7a2bb4-52f0-4b7e-8b5a-f8e6a2fe86e1.local 54400 typ host generation 0 ufrag Yq2s network-cost 999",
        "candidate:842163049 1 udp 1677729535 203.0.113.77 54400 typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag Yq2s network-cost 999",
        "candidate:1191318331 1 udp 33562623 198.51.100.20 61702 typ relay raddr 203.0.113.77 rport 54400 generation 0 ufrag Yq2s network-id 1 network-cost 10",
        "candidate:2999745851 1 udp 2122262783 2001:db8:85a3::8a2e:370:7334 56143 typ host generation 0 ufrag Yq2s network-id 2",
        "candidate:1518280447 1 tcp 1518280447 192.168.1.10 9 typ host tcptype active generation 0 ufrag Yq2s network-id 1",
        // pion: host, srflx, prflx, TCP passive.
        "candidate:1966762134 1 udp 2130706431 10.0.0.1 52745 typ host",
        "candidate:3540186405 1 udp 1694498815 203.0.113.9 60000 typ srflx raddr 0.0.0.0 rport 60000",
        "candidate:2386311474 1 udp 1845501695 203.0.113.9 61000 typ prflx raddr 10.0.0.1 rport 52745",
        "candidate:233762139 1 tcp 1671430143 10.0.0.1 8443 typ host tcptype passive",
    ];

    [Theory]
    [MemberData(nameof(RoundTripExactly))]
    public void BrowserAndPionLines_RoundTripByteForByte(string line)
    {
        var candidate = RTCIceCandidate.Parse(line);
        Assert.Equal(line, candidate.ToSdpString());
        Assert.Equal(candidate, RTCIceCandidate.Parse("a=" + line));
        Assert.Equal(candidate, RTCIceCandidate.Parse(line["candidate:".Length..]));
    }

    [Fact]
    public void ChromeSrflx_Fields()
    {
        var c = RTCIceCandidate.Parse("a=candidate:842163049 1 udp 1677729535 203.0.113.77 54400 typ srflx raddr 192.168.1.10 rport 54400 generation 0 ufrag Yq2s network-id 1 network-cost 10\r\n");
        Assert.Equal("842163049", c.Foundation);
        Assert.Equal(1, c.Component);
        Assert.Equal(RTCIceProtocol.Udp, c.Protocol);
        Assert.Equal(1677729535u, c.Priority);
        Assert.Equal("203.0.113.77", c.Address);
        Assert.Equal(IPAddress.Parse("203.0.113.77"), c.IPAddress);
        Assert.Equal(54400, c.Port);
        Assert.Equal(RTCIceCandidateType.Srflx, c.Type);
        Assert.Equal("192.168.1.10", c.RelatedAddress);
        Assert.Equal(54400, c.RelatedPort);
        Assert.Equal(0u, c.Generation);
        Assert.Equal("Yq2s", c.UsernameFragment);
        Assert.Equal([new("network-id", "1"), new("network-cost", "10")], c.Extensions);
        Assert.False(c.IsMdns);
        Assert.Equal(100, c.PriorityParts.TypePreference);
        Assert.Equal(1, c.PriorityParts.ComponentId);
    }

    [Fact]
    public void Firefox_UppercaseTransport_ParsesAndNormalizes()
    {
        var lines = new[]
        {
            "candidate:0 1 UDP 2122252543 192.168.1.100 49203 typ host",
            "candidate:1 1 UDP 1686052863 203.0.113.1 49203 typ srflx raddr 192.168.1.100 rport 49203",
            "candidate:3 1 TCP 2105524479 192.168.1.100 9 typ host tcptype active",
            "candidate:4 1 UDP 92217087 198.51.100.2 53771 typ relay raddr 203.0.113.1 rport 49203",
            "candidate:0 1 UDP 2122187007 9e3a8d4b-2f5c-4c8e-9a1b-0f6d2e4c7a31.local 50493 typ host",
        };
        foreach (var line in lines)
        {
            var c = RTCIceCandidate.Parse(line);
            var written = c.ToSdpString();
            Assert.Equal(line.Replace(" UDP ", " udp ").Replace(" TCP ", " tcp "), written);
            Assert.Equal(c, RTCIceCandidate.Parse(written));
        }
        var relay = RTCIceCandidate.Parse(lines[3]);
        Assert.Equal(RTCIceCandidateType.Relay, relay.Type);
        Assert.Equal(5, relay.PriorityParts.TypePreference); // Firefox gives relays a type preference of 5
        Assert.Equal(RTCIceTcpCandidateType.Active, RTCIceCandidate.Parse(lines[2]).TcpType);
        var mdns = RTCIceCandidate.Parse(lines[4]);
        Assert.True(mdns.IsMdns);
        Assert.Null(mdns.IPAddress);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("candidate:1 1 udp 2130706431 10.0.0.1 52745 typ", "at least 8 fields")]
    [InlineData("candidate:1 0 udp 2130706431 10.0.0.1 52745 typ host", "component '0'")]
    [InlineData("candidate:1 1 sctp 2130706431 10.0.0.1 52745 typ host", "transport 'sctp'")]
    [InlineData("candidate:1 1 udp 99999999999 10.0.0.1 52745 typ host", "priority '99999999999'")]
    [InlineData("candidate:1 1 udp -5 10.0.0.1 52745 typ host", "priority '-5'")]
    [InlineData("candidate:1 1 udp 2130706431 10.0.0 52745 typ host", "connection address '10.0.0'")]
    [InlineData("candidate:1 1 udp 2130706431 10.0.0.1 70000 typ host", "port '70000'")]
    [InlineData("candidate:1 1 udp 2130706431 10.0.0.1 52745 type host", "expected 'typ'")]
    [InlineData("candidate:1 1 udp 2130706431 10.0.0.1 52745 typ local", "candidate type 'local'")]
    [InlineData("candidate:1 1 udp 2130706431 10.0.0.1 52745 typ host generation", "extension 'generation' has no value")]
    [InlineData("candidate:1 1 udp 2130706431 10.0.0.1 52745 typ srflx raddr 1.2.3.4 rport x", "rport 'x'")]
    [InlineData("candidate:1 1 tcp 2130706431 10.0.0.1 9 typ host tcptype sideways", "tcptype 'sideways'")]
    [InlineData("candidate:a_b 1 udp 2130706431 10.0.0.1 52745 typ host", "foundation 'a_b'")]
    public void MalformedLines_SayWhatIsWrong(string line, string expected)
    {
        Assert.False(RTCIceCandidate.TryParse(line, out var candidate, out var error));
        Assert.Null(candidate);
        Assert.Contains(expected, error);
        var ex = Assert.Throws<FormatException>(() => RTCIceCandidate.Parse(line));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void UnknownExtensions_AreKeptInOrder()
    {
        const string line = "candidate:1 1 udp 2130706431 10.0.0.1 52745 typ host zeta 1 alpha two";
        var c = RTCIceCandidate.Parse(line);
        Assert.Equal([new("zeta", "1"), new("alpha", "two")], c.Extensions);
        Assert.Equal(line, c.ToSdpString());
    }

    [Fact]
    public void Constructed_CandidateFormats()
    {
        var c = new RTCIceCandidate
        {
            Foundation = CandidatePriority.ComputeFoundation(RTCIceCandidateType.Host, IPAddress.Parse("10.0.0.1"), RTCIceProtocol.Udp),
            Priority = CandidatePriority.Compute(RTCIceCandidateType.Host),
            Address = "10.0.0.1",
            Port = 5000,
            Type = RTCIceCandidateType.Host,
        };
        Assert.Equal($"candidate:{c.Foundation} 1 udp 2130706431 10.0.0.1 5000 typ host", c.ToSdpString());
        Assert.Equal(c, RTCIceCandidate.Parse(c.ToSdpString()));
    }
}

public sealed class IceCandidateFuzzTests
{
    [Fact]
    public void RandomAndMutatedLines_NeverThrow_AndParsedOnesRoundTrip()
    {
        var random = new Random(8839);
        var seeds = IceCandidateTests.Lines;
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 :./+-_%\t\u00E9";
        int parsed = 0;
        for (int n = 0; n < 20000; n++)
        {
            var chars = seeds[n % seeds.Length].ToCharArray();
            int edits = 1 + random.Next(4);
            for (int k = 0; k < edits; k++) chars[random.Next(chars.Length)] = alphabet[random.Next(alphabet.Length)];
            var line = n % 5 == 0 ? new string(chars, 0, random.Next(chars.Length)) : new string(chars);
            if (!RTCIceCandidate.TryParse(line, out var candidate, out var error))
            {
                Assert.False(string.IsNullOrEmpty(error));
                continue;
            }
            parsed++;
            Assert.Equal(candidate, RTCIceCandidate.Parse(candidate.ToSdpString()));
        }
        Assert.True(parsed > 1000, $"only {parsed} lines parsed");
    }
}
