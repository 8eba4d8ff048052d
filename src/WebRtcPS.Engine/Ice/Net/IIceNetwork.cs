using System.Net;

namespace WebRtcPS.Engine.Ice;

/// <summary>
/// The host's view of the network that gathering needs: its interface addresses and a way to
/// bind UDP sockets on them. <see cref="UdpIceNetwork"/> is the operating system's;
/// <see cref="VirtualIceNetwork"/> is an in-process one with seeded loss for tests.
/// </summary>
public interface IIceNetwork
{
    /// <summary>Unicast addresses of interfaces that are up, loopback included (the gatherer filters).</summary>
    IReadOnlyList<IceNetworkAddress> GetLocalAddresses();

    /// <summary>A hint that <see cref="GetLocalAddresses"/> will be called soon (an agent was
    /// created): a network whose enumeration is slow may start it now, off the caller's thread.</summary>
    void PrefetchLocalAddresses()
    {
    }

    /// <summary>Binds a UDP socket on <paramref name="localEndPoint"/>; port 0 picks a free port.</summary>
    IIcePacketSocket BindUdp(IPEndPoint localEndPoint);
}
