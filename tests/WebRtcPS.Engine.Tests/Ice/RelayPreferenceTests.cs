using System.Net;
using WebRtcPS.Engine.Ice;

namespace WebRtcPS.Engine.Tests.Ice;

public class RelayPreferenceTests
{
    private static RelayAllocation Allocation(RTCIceProtocol transport, string url) =>
        new(null, new IPEndPoint(IPAddress.Loopback, 1), null, IPAddress.Loopback, transport, Url: url);

    [Fact]
    public void UdpRanksAboveTcpAboveTlsWhateverTheArrivalOrder()
    {
        var udp = IceAgent.RelayLocalPreference(Allocation(RTCIceProtocol.Udp, "turn:h:3478?transport=udp"), index: 5);
        var tcp = IceAgent.RelayLocalPreference(Allocation(RTCIceProtocol.Tcp, "turn:h:3478?transport=tcp"), index: 0);
        var tls = IceAgent.RelayLocalPreference(Allocation(RTCIceProtocol.Tcp, "turns:h:5349"), index: 0);
        Assert.True(udp > tcp, $"udp {udp} > tcp {tcp}");
        Assert.True(tcp > tls, $"tcp {tcp} > tls {tls}");
    }

    [Fact]
    public void EarlierAllocationsOfOneTransportRankFirstAndNeverWrap()
    {
        var first = IceAgent.RelayLocalPreference(Allocation(RTCIceProtocol.Udp, "turn:a"), 0);
        var second = IceAgent.RelayLocalPreference(Allocation(RTCIceProtocol.Udp, "turn:b"), 1);
        var many = IceAgent.RelayLocalPreference(Allocation(RTCIceProtocol.Udp, "turn:c"), 10_000);
        var tcpFirst = IceAgent.RelayLocalPreference(Allocation(RTCIceProtocol.Tcp, "turn:d?transport=tcp"), 0);
        Assert.True(first > second);
        Assert.True(many > tcpFirst, "a late UDP relay still ranks above any TCP relay");
        Assert.Equal(65_534, IceAgent.RelayLocalPreference(Allocation(RTCIceProtocol.Udp, "turn:e"), 0));
    }
}
