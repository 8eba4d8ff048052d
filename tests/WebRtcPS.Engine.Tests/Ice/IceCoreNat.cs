using System.Net;

namespace WebRtcPS.Engine.Tests.Ice;

/// <summary>The NAT types of the lab (tests/lab/README.md), in RFC 4787 terms.</summary>
internal enum IceCoreNatType
{
    /// <summary>Endpoint-independent mapping and filtering.</summary>
    FullCone,
    /// <summary>Endpoint-independent mapping, address-dependent filtering.</summary>
    AddressRestricted,
    /// <summary>Endpoint-independent mapping, address-and-port-dependent filtering.</summary>
    PortRestricted,
    /// <summary>Address-and-port-dependent mapping and filtering.</summary>
    Symmetric,
    /// <summary>No UDP leaves the site (TURN over TCP or TLS still does).</summary>
    UdpBlocked,
}

/// <summary>
/// A NAT in front of some addresses on <see cref="IceCoreWire"/>: UDP from inside to the outside
/// leaves from a mapping on <see cref="Public"/> (one per inside endpoint, or per inside endpoint
/// and destination when symmetric); a datagram to a mapping comes in only if the filter lets it:
/// from anyone (full cone), from an address the mapping has sent to (address-restricted), or from
/// an endpoint it has sent to (port-restricted, symmetric), as RFC 4787 §4.1 and §5 define them.
/// Endpoint-independent mappings keep the inside port when it is free (as Linux masquerade does);
/// symmetric ones take the next port from 50000. Mappings never expire (tests are short).
/// </summary>
internal sealed class IceCoreNat(IPAddress publicAddress, IceCoreNatType type, IEnumerable<IPAddress> inside)
{
    private sealed class Mapping(IPEndPoint inside)
    {
        public IPEndPoint Inside { get; } = inside;
        public HashSet<IPEndPoint> SentTo { get; } = [];
    }

    private readonly Dictionary<(IPEndPoint Inside, IPEndPoint? To), int> _mappings = [];
    private readonly Dictionary<int, Mapping> _byPort = [];
    private int _nextPort = 50000;

    public IPAddress Public { get; } = publicAddress;
    public IceCoreNatType Type { get; } = type;
    public HashSet<IPAddress> Inside { get; } = [.. inside];

    /// <summary>Where a datagram from <paramref name="from"/> (inside) to <paramref name="to"/>
    /// appears from; null when it may not leave.</summary>
    public IPEndPoint? Outbound(IPEndPoint from, IPEndPoint to)
    {
        if (Type == IceCoreNatType.UdpBlocked) return null;
        var key = (from, Type == IceCoreNatType.Symmetric ? to : null);
        if (!_mappings.TryGetValue(key, out var port))
        {
            port = Type != IceCoreNatType.Symmetric && !_byPort.ContainsKey(from.Port) ? from.Port : NextFreePort();
            _mappings[key] = port;
            _byPort[port] = new Mapping(from);
        }
        _byPort[port].SentTo.Add(to);
        return new IPEndPoint(Public, port);
    }

    /// <summary>The inside endpoint a datagram from <paramref name="from"/> to the mapping
    /// <paramref name="to"/> reaches; null when the filter drops it.</summary>
    public IPEndPoint? Inbound(IPEndPoint from, IPEndPoint to)
    {
        if (!_byPort.TryGetValue(to.Port, out var mapping)) return null;
        bool passes = Type switch
        {
            IceCoreNatType.FullCone => true,
            IceCoreNatType.AddressRestricted => mapping.SentTo.Any(e => e.Address.Equals(from.Address)),
            _ => mapping.SentTo.Contains(from),
        };
        return passes ? mapping.Inside : null;
    }

    private int NextFreePort()
    {
        while (_byPort.ContainsKey(_nextPort)) _nextPort++;
        return _nextPort++;
    }
}

/// <summary>How a peer on the wire reaches the TURN server (RFC 8656): UDP, TCP, or TLS over TCP.</summary>
internal enum IceCoreTurnTransport
{
    Udp,
    Tcp,
    Tls,
}

/// <summary>A TURN allocation on the wire: its relayed address and the permissions (peer IP
/// addresses, RFC 8656 §9) that sending to a peer installs; only those may send to it.</summary>
internal sealed class IceCoreRelay(IPEndPoint address)
{
    public IPEndPoint Address { get; } = address;
    public HashSet<IPAddress> Permissions { get; } = [];
}
