using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace WebRtcPS.Engine.Ice;

/// <summary>
/// Answers multicast DNS queries (RFC 6762 §6) for the ".local" names of our hidden host
/// candidates (draft-ietf-mmusic-mdns-ice-candidates §3.1), on 224.0.0.251:5353 and
/// [ff02::fb]:5353, joined on the interface of each published address. The port is shared with
/// any other responder on the machine (SO_REUSEADDR): multicast queries reach every socket
/// bound to it. A query from port 5353 is answered by multicast (unicast when it set the QU bit,
/// §5.4); a legacy one-shot query from another port by unicast, echoing its ID and question (§6.7).
/// The sockets are open while at least one name is published.
/// </summary>
public sealed class MulticastDnsResponder : IMdnsResponder
{
    /// <summary>RFC 6762 §10: 120 s for records with a host name.</summary>
    private const uint Ttl = 120;

    private static readonly IPAddress GroupV4 = IPAddress.Parse("224.0.0.251");
    private static readonly IPAddress GroupV6 = IPAddress.Parse("ff02::fb");

    private readonly object _gate = new();
    private readonly Dictionary<string, IPAddress> _names = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<IPAddress> _joined = [];
    private Socket? _v4;
    private Socket? _v6;

    /// <summary>The process's responder: one pair of sockets for every peer connection.</summary>
    public static MulticastDnsResponder Shared { get; } = new();

    /// <summary>The port queries are read on (5353; tests in their own network namespace may use another).</summary>
    public int Port { get; init; } = 5353;

    /// <inheritdoc/>
    /// <exception cref="SocketException">Port 5353 is held by a responder that does not share it.</exception>
    public IDisposable Publish(string name, IPAddress address)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(address);
        name = name.TrimEnd('.');
        if (!name.EndsWith(".local", StringComparison.OrdinalIgnoreCase)) throw new ArgumentException($"'{name}' is not a .local name.", nameof(name));
        lock (_gate)
        {
            Join(address);
            _names[name] = address;
        }
        return new Publication(this, name);
    }

    private void Unpublish(string name)
    {
        lock (_gate)
        {
            if (!_names.Remove(name) || _names.Count > 0) return;
            // Nothing left to answer for: close, so the next publication joins afresh.
            _v4?.Dispose();
            _v6?.Dispose();
            _v4 = _v6 = null;
            _joined.Clear();
        }
    }

    /// <summary>Opens the family's socket when needed (a port 5353 that cannot be shared throws
    /// SocketException) and joins the group on the address's interface.</summary>
    private void Join(IPAddress address)
    {
        if (_joined.Contains(address)) return;
        bool v4 = address.AddressFamily == AddressFamily.InterNetwork;
        var socket = v4 ? (_v4 ??= Open(AddressFamily.InterNetwork)) : (_v6 ??= Open(AddressFamily.InterNetworkV6));
        try
        {
            if (v4) socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(GroupV4, address));
            else socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.AddMembership, new IPv6MulticastOption(GroupV6, InterfaceIndex(address)));
        }
        catch (SocketException)
        {
            // Already a member on that interface (another address of it), or no multicast there:
            // the name is still answered on the interfaces that joined.
        }
        _joined.Add(address);
    }

    private Socket Open(AddressFamily family)
    {
        var socket = new Socket(family, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            var v4 = family == AddressFamily.InterNetwork;
            if (!v4) socket.DualMode = false;
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(v4 ? IPAddress.Any : IPAddress.IPv6Any, Port));
            socket.SetSocketOption(v4 ? SocketOptionLevel.IP : SocketOptionLevel.IPv6, SocketOptionName.MulticastTimeToLive, 255);
            _ = ReceiveLoopAsync(socket);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static long InterfaceIndex(IPAddress address)
    {
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            var properties = nic.GetIPProperties();
            if (properties.UnicastAddresses.Any(u => u.Address.Equals(address)) && properties.GetIPv6Properties() is { } v6) return v6.Index;
        }
        return address.ScopeId;
    }

    private async Task ReceiveLoopAsync(Socket socket)
    {
        var buffer = new byte[9000];
        var any = new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0);
        while (true)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any).ConfigureAwait(false);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.MessageSize)
            {
                continue;
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;   // closed
            }
            var source = (IPEndPoint)received.RemoteEndPoint;
            foreach (var reply in Answer(buffer.AsSpan(0, received.ReceivedBytes), source, Lookup))
            {
                try
                {
                    if (reply.To.Address.IsIPv6Multicast || reply.To.Address.Equals(GroupV4))
                    {
                        // Out of the interface the name's address is on.
                        if (socket.AddressFamily == AddressFamily.InterNetworkV6)
                            socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastInterface, (int)InterfaceIndex(reply.Address));
                        else if (reply.Address.AddressFamily == AddressFamily.InterNetwork)
                            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, reply.Address.GetAddressBytes());
                    }
                    await socket.SendToAsync(reply.Data, SocketFlags.None, reply.To).ConfigureAwait(false);
                }
                catch (SocketException)
                {
                    // No route back: the querier's problem, not ours.
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
            }
        }
    }

    private IPAddress? Lookup(string name)
    {
        lock (_gate) return _names.TryGetValue(name, out var address) ? address : null;
    }

    /// <summary>
    /// The replies to one datagram (pure): for each question about a name <paramref name="lookup"/>
    /// knows, an answer (<see cref="MdnsMessage.BuildResponse"/>) to the querier (legacy port, or
    /// the QU bit) or to the group of <paramref name="source"/>'s family, with the name's address
    /// (the interface to send it out of). Responses, and questions about other names, get nothing.
    /// </summary>
    internal static List<(byte[] Data, IPEndPoint To, IPAddress Address)> Answer(ReadOnlySpan<byte> datagram, IPEndPoint source, Func<string, IPAddress?> lookup, int port = 5353)
    {
        var replies = new List<(byte[], IPEndPoint, IPAddress)>();
        if (MdnsMessage.ParseQuery(datagram, out var id) is not { } questions) return replies;
        bool legacy = source.Port != port;
        foreach (var question in questions)
        {
            if (question.Type is not (MdnsMessage.TypeA or MdnsMessage.TypeAaaa or MdnsMessage.TypeAny)) continue;
            if (lookup(question.Name.TrimEnd('.')) is not { } address) continue;
            var data = MdnsMessage.BuildResponse(id, question.Name, question.Type, address, Ttl, legacy);
            var to = legacy || question.UnicastResponse
                ? source
                : new IPEndPoint(source.AddressFamily == AddressFamily.InterNetwork ? GroupV4 : GroupV6, port);
            replies.Add((data, to, address));
        }
        return replies;
    }

    private sealed class Publication(MulticastDnsResponder owner, string name) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) owner.Unpublish(name);
        }
    }
}
