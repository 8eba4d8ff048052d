using System.Collections.Concurrent;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace WebRtcPS.Engine.Ice;

/// <summary>
/// Resolves ".local" names with one-shot multicast DNS queries (RFC 6762 §5.1): A and AAAA
/// queries from an ephemeral port to 224.0.0.251:5353 and ff02::fb:5353, out of every
/// multicast-capable interface, sent again once after a second (a lost query is not retried by
/// the responder); responders answer such "legacy" queries by unicast (§6.7), some (pion's,
/// Chromium's) by multicast only, so the group's port is read too (shared, SO_REUSEADDR); the
/// first answer wins. Answers are cached for their TTL; concurrent look-ups of one name share one
/// query. The ICE agent bounds the wait (<see cref="IceAgentOptions.MdnsTimeout"/>).
/// </summary>
public sealed class MulticastDnsResolver : IMdnsResolver
{
    private static readonly IPEndPoint GroupV4 = new(IPAddress.Parse("224.0.0.251"), 5353);
    private static readonly IPEndPoint GroupV6 = new(IPAddress.Parse("ff02::fb"), 5353);

    /// <summary>Cache entries live at most this long whatever the record says.</summary>
    private static readonly TimeSpan MaxCacheTime = TimeSpan.FromMinutes(10);

    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (IReadOnlyList<IPAddress> Addresses, DateTimeOffset Expires)> _cache = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Task<(IReadOnlyList<IPAddress> Addresses, uint Ttl)>> _inFlight = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The process's resolver: one cache for every peer connection.</summary>
    public static MulticastDnsResolver Shared { get; } = new();

    /// <param name="time">The clock of the cache and of the retransmission; the system's when null.</param>
    public MulticastDnsResolver(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    /// <summary>The wait before the query is sent once more.</summary>
    public TimeSpan RetransmitAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<IPAddress>> ResolveAsync(string name, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "Must be positive.");
        name = name.TrimEnd('.');
        var now = _time.GetUtcNow();
        if (_cache.TryGetValue(name, out var cached))
        {
            if (cached.Expires > now) return cached.Addresses;
            _cache.TryRemove(new KeyValuePair<string, (IReadOnlyList<IPAddress>, DateTimeOffset)>(name, cached));
        }
        var query = _inFlight.GetOrAdd(name, n => QueryAsync(n, timeout));
        try
        {
            var (addresses, ttl) = await query.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (addresses.Count > 0 && ttl > 0)
            {
                var life = TimeSpan.FromSeconds(ttl) < MaxCacheTime ? TimeSpan.FromSeconds(ttl) : MaxCacheTime;
                _cache[name] = (addresses, _time.GetUtcNow() + life);
            }
            return addresses;
        }
        finally
        {
            if (query.IsCompleted) _inFlight.TryRemove(new KeyValuePair<string, Task<(IReadOnlyList<IPAddress>, uint)>>(name, query));
        }
    }

    private async Task<(IReadOnlyList<IPAddress>, uint)> QueryAsync(string name, TimeSpan timeout)
    {
        await Task.Yield();   // not under GetOrAdd
        using var stop = new CancellationTokenSource(timeout, _time);
        var sockets = new List<Socket>();
        try
        {
            sockets.Add(Open(AddressFamily.InterNetwork));
            if (Socket.OSSupportsIPv6) sockets.Add(Open(AddressFamily.InterNetworkV6));
        }
        catch (SocketException)
        {
            // No IPv6 here, for instance: the families that opened are used.
        }
        // Responders that answer only by multicast (pion's, Chromium's) reach the group's port,
        // not our query's: listen there too, where the port can be shared.
        var listeners = new List<Socket>();
        foreach (var socket in sockets)
        {
            if (OpenGroupListener(socket.AddressFamily) is { } listener) listeners.Add(listener);
        }
        try
        {
            var receives = sockets.Concat(listeners).Select(s => ReceiveAnswerAsync(s, name, stop.Token)).ToList();
            _ = SendQueriesAsync(sockets, name, stop.Token);
            while (receives.Count > 0)
            {
                var done = await Task.WhenAny(receives).ConfigureAwait(false);
                receives.Remove(done);
                var answer = await done.ConfigureAwait(false);
                if (answer.Count > 0) return (answer.Select(a => a.Address).Distinct().ToArray(), answer.Min(a => a.Ttl));
            }
            return ([], 0);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            foreach (var socket in sockets.Concat(listeners)) socket.Dispose();
        }
    }

    /// <summary>A socket on the group's port 5353 (SO_REUSEADDR: shared with the machine's
    /// responders), joined on every multicast interface; null when the port cannot be shared.</summary>
    private static Socket? OpenGroupListener(AddressFamily family)
    {
        var v4 = family == AddressFamily.InterNetwork;
        var socket = new Socket(family, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(v4 ? IPAddress.Any : IPAddress.IPv6Any, GroupV4.Port));
            int joined = 0;
            foreach (var option in MulticastInterfaces(family))
            {
                try
                {
                    if (option is byte[] address) socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(GroupV4.Address, new IPAddress(address)));
                    else if (option is int index) socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.AddMembership, new IPv6MulticastOption(GroupV6.Address, index));
                    joined++;
                }
                catch (SocketException)
                {
                    // No multicast on that interface.
                }
            }
            if (joined == 0) throw new SocketException((int)SocketError.NetworkUnreachable);
            return socket;
        }
        catch (SocketException)
        {
            socket.Dispose();
            return null;
        }
    }

    private static Socket Open(AddressFamily family)
    {
        var socket = new Socket(family, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            var v4 = family == AddressFamily.InterNetwork;
            socket.Bind(new IPEndPoint(v4 ? IPAddress.Any : IPAddress.IPv6Any, 0));
            // RFC 6762 §11: multicast DNS packets go out with IP TTL / hop limit 255.
            socket.SetSocketOption(v4 ? SocketOptionLevel.IP : SocketOptionLevel.IPv6, SocketOptionName.MulticastTimeToLive, 255);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The queries out of every interface of each socket's family, then once more.</summary>
    private async Task SendQueriesAsync(List<Socket> sockets, string name, CancellationToken cancellationToken)
    {
        var queries = new[] { MdnsMessage.BuildQuery(name, MdnsMessage.TypeA), MdnsMessage.BuildQuery(name, MdnsMessage.TypeAaaa) };
        try
        {
            for (int round = 0; round < 2; round++)
            {
                foreach (var socket in sockets) Send(socket, queries);
                await Task.Delay(RetransmitAfter, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Answered, or out of time.
        }
    }

    private static void Send(Socket socket, byte[][] queries)
    {
        var v4 = socket.AddressFamily == AddressFamily.InterNetwork;
        var group = v4 ? GroupV4 : GroupV6;
        var interfaces = MulticastInterfaces(socket.AddressFamily);
        if (interfaces.Count == 0) interfaces.Add(null);   // the default multicast route
        foreach (var option in interfaces)
        {
            try
            {
                // (Typed: the object overload takes only MulticastOption-like values.)
                var level = v4 ? SocketOptionLevel.IP : SocketOptionLevel.IPv6;
                if (option is byte[] address) socket.SetSocketOption(level, SocketOptionName.MulticastInterface, address);
                else if (option is int index) socket.SetSocketOption(level, SocketOptionName.MulticastInterface, index);
                foreach (var query in queries) socket.SendTo(query, group);
            }
            catch (SocketException)
            {
                // No route for multicast on this interface: the others may have one.
            }
        }
    }

    /// <summary>IP_MULTICAST_IF / IPV6_MULTICAST_IF values of the up, multicast-capable,
    /// non-loopback interfaces: an IPv4 address each, or an IPv6 interface index.</summary>
    internal static List<object?> MulticastInterfaces(AddressFamily family)
    {
        var result = new List<object?>();
        NetworkInterface[] all;
        try
        {
            all = NetworkInterface.GetAllNetworkInterfaces();
        }
        catch (NetworkInformationException)
        {
            return result;
        }
        foreach (var nic in all)
        {
            if (nic.OperationalStatus != OperationalStatus.Up || !nic.SupportsMulticast || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback) continue;
            var properties = nic.GetIPProperties();
            if (family == AddressFamily.InterNetwork)
            {
                var address = properties.UnicastAddresses.Select(u => u.Address).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork);
                if (address is not null) result.Add(address.GetAddressBytes());
            }
            else if (nic.Supports(NetworkInterfaceComponent.IPv6) && properties.GetIPv6Properties() is { } v6
                     && properties.UnicastAddresses.Any(u => u.Address.AddressFamily == AddressFamily.InterNetworkV6))
            {
                result.Add(v6.Index);
            }
        }
        return result;
    }

    private static async Task<IReadOnlyList<(IPAddress Address, uint Ttl)>> ReceiveAnswerAsync(Socket socket, string name, CancellationToken cancellationToken)
    {
        var buffer = new byte[9000];
        var any = new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0);
        try
        {
            while (true)
            {
                var received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, cancellationToken).ConfigureAwait(false);
                // A TTL of 0 is a goodbye (RFC 6762 §10.1): the name is going away.
                var answers = MdnsMessage.ParseAnswers(buffer.AsSpan(0, received.ReceivedBytes), name).Where(a => a.Ttl > 0).ToList();
                if (answers.Count > 0) return answers;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            return [];
        }
    }
}
