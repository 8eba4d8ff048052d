using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace WebRtcPS.Engine.Ice;

/// <summary>The operating system's interfaces and UDP sockets.</summary>
internal sealed class UdpIceNetwork : IIceNetwork
{
    public static readonly UdpIceNetwork Instance = new();

    public IReadOnlyList<IceNetworkAddress> GetLocalAddresses()
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
