using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace WebRtcPS.Engine.Ice;

/// <summary>The operating system's interfaces and UDP sockets.</summary>
internal sealed class UdpIceNetwork : IIceNetwork
{
    public static readonly UdpIceNetwork Instance = new();

    // One snapshot per process. Two seconds bound how stale it can be where the operating system
    // reports no address changes; where it does, a change drops the snapshot at once.
    private static readonly InterfaceAddressSnapshot Snapshot = CreateSnapshot();

    public IReadOnlyList<IceNetworkAddress> GetLocalAddresses() => Snapshot.Get();

    public void PrefetchLocalAddresses() => Snapshot.Prefetch();

    private static InterfaceAddressSnapshot CreateSnapshot()
    {
        var snapshot = new InterfaceAddressSnapshot(Enumerate, TimeSpan.FromSeconds(2));
        try
        {
            NetworkChange.NetworkAddressChanged += (_, _) => snapshot.Invalidate();
            NetworkChange.NetworkAvailabilityChanged += (_, _) => snapshot.Invalidate();
        }
        catch (Exception)
        {
            // No change notifications here (not supported, or no netlink socket in a sandbox): the
            // snapshot's age alone bounds it; gathering must not fail for want of them.
        }
        return snapshot;
    }

    private static List<IceNetworkAddress> Enumerate()
    {
        var result = new List<IceNetworkAddress>();
        NetworkInterface[] interfaces;
        try
        {
            interfaces = NetworkInterface.GetAllNetworkInterfaces();
        }
        catch (NetworkInformationException)
        {
            return result;
        }
        foreach (var nic in interfaces)
        {
            bool loopback = nic.NetworkInterfaceType == NetworkInterfaceType.Loopback;
            // Linux reports lo as Unknown rather than Up.
            if (nic.OperationalStatus != OperationalStatus.Up && !(loopback && nic.OperationalStatus == OperationalStatus.Unknown)) continue;
            foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
            {
                var address = unicast.Address;
                if (address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)) continue;
                result.Add(new IceNetworkAddress(address, nic.Name, loopback || IPAddress.IsLoopback(address)));
            }
        }
        return result;
    }

    public IIcePacketSocket BindUdp(IPEndPoint localEndPoint) => UdpIcePacketSocket.Bind(localEndPoint);
}
