using System.Net;
using WebRtcPS.Engine.Ice;

namespace WebRtcPS.Engine.Tests.Ice;

public sealed class CandidatePriorityTests
{
    [Theory]
    [InlineData(RTCIceCandidateType.Host, 65535, 1, 2130706431u)]   // pion/libwebrtc host: 126<<24 | 65535<<8 | 255
    [InlineData(RTCIceCandidateType.Prflx, 65535, 1, 1862270975u)]
    [InlineData(RTCIceCandidateType.Srflx, 65535, 1, 1694498815u)]  // pion srflx
    [InlineData(RTCIceCandidateType.Relay, 65535, 1, 16777215u)]
    [InlineData(RTCIceCandidateType.Host, 65535, 2, 2130706430u)]
    public void Compute_FollowsRfc8445Formula(RTCIceCandidateType type, int local, int component, uint expected) =>
        Assert.Equal(expected, CandidatePriority.Compute(type, (ushort)local, component));

    [Fact]
    public void FromValue_SplitsThreeParts()
    {
        var chrome = CandidatePriority.FromValue(2122262783); // 0x7E7F28FF
        Assert.Equal(126, chrome.TypePreference);
        Assert.Equal(0x7F28, chrome.LocalPreference);
        Assert.Equal(1, chrome.ComponentId);
        Assert.Equal(2122262783u, chrome.Value);

        var any = new CandidatePriority(42, 1234, 256);
        Assert.Equal(any, CandidatePriority.FromValue(any.Value));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CandidatePriority(127, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CandidatePriority(0, 0, 0));
    }

    [Fact]
    public void Foundation_IsEqualExactlyForAlikeCandidates()
    {
        var a = IPAddress.Parse("10.0.0.1");
        var stun = IPAddress.Parse("198.51.100.1");
        var f = CandidatePriority.ComputeFoundation(RTCIceCandidateType.Srflx, a, RTCIceProtocol.Udp, stun);
        Assert.Equal(f, CandidatePriority.ComputeFoundation(RTCIceCandidateType.Srflx, IPAddress.Parse("10.0.0.1"), RTCIceProtocol.Udp, IPAddress.Parse("198.51.100.1")));
        Assert.NotEqual(f, CandidatePriority.ComputeFoundation(RTCIceCandidateType.Host, a, RTCIceProtocol.Udp));
        Assert.NotEqual(f, CandidatePriority.ComputeFoundation(RTCIceCandidateType.Srflx, a, RTCIceProtocol.Tcp, stun));
        Assert.NotEqual(f, CandidatePriority.ComputeFoundation(RTCIceCandidateType.Srflx, a, RTCIceProtocol.Udp, IPAddress.Parse("198.51.100.2")));
        Assert.InRange(f.Length, 1, 32);
        Assert.True(RTCIceCandidate.TryParse($"candidate:{f} 1 udp 1 10.0.0.1 1 typ host", out _, out _));
    }
}
