using System.Net;
using System.Net.Sockets;

namespace WebRtcPS.Engine.Ice;

/// <summary>
/// Resolves ".local" names with one-shot multicast DNS queries (RFC 6762 §5.1): A and AAAA
/// queries from an ephemeral port to 224.0.0.251:5353 (and ff02::fb when IPv6 works), the first
/// matching answer wins; responders answer such "legacy" queries by unicast (§6.7).
/// </summary>
internal sealed class MulticastDnsResolver : IMdnsResolver
{
    private static readonly IPEndPoint GroupV4 = new(IPAddress.Parse("224.0.0.251"), 5353);
    private static readonly IPEndPoint GroupV6 = new(IPAddress.Parse("ff02::fb"), 5353);

    public MulticastDnsResolver(TimeSpan? timeout = null)
    {
        Timeout = timeout ?? TimeSpan.FromSeconds(3);
        if (Timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "Must be positive.");
    }

    /// <summary>How long to wait for an answer.</summary>
    public TimeSpan Timeout { get; }

    public async ValueTask<IPAddress?> ResolveAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var queries = new List<Task<IPAddress?>>
        {
            QueryAsync(AddressFamily.InterNetwork, GroupV4, name, timeout.Token),
        };
        if (Socket.OSSupportsIPv6) queries.Add(QueryAsync(AddressFamily.InterNetworkV6, GroupV6, name, timeout.Token));
        while (queries.Count > 0)
        {
            var done = await Task.WhenAny(queries).ConfigureAwait(false);
            queries.Remove(done);
            var address = await done.ConfigureAwait(false);
            if (address is not null)
            {
                await timeout.CancelAsync().ConfigureAwait(false);
                return address;
            }
        }
        cancellationToken.ThrowIfCancellationRequested();
        return null;
    }

    private static async Task<IPAddress?> QueryAsync(AddressFamily family, IPEndPoint group, string name, CancellationToken cancellationToken)
    {
        try
        {
            using var socket = new Socket(family, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(family == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0));
            await socket.SendToAsync(MdnsMessage.BuildQuery(name, MdnsMessage.TypeA), SocketFlags.None, group, cancellationToken).ConfigureAwait(false);
            await socket.SendToAsync(MdnsMessage.BuildQuery(name, MdnsMessage.TypeAaaa), SocketFlags.None, group, cancellationToken).ConfigureAwait(false);
            var buffer = new byte[9000];
            var any = new IPEndPoint(family == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0);
            while (true)
            {
                var received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, cancellationToken).ConfigureAwait(false);
                var addresses = MdnsMessage.ParseAddresses(buffer.AsSpan(0, received.ReceivedBytes), name);
                if (addresses.Count > 0) return addresses[0];
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        catch (SocketException)
        {
            // No route for multicast on this family, for instance.
            return null;
        }
    }
}
