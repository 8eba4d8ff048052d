using System.Net;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using WebRtcPS.Engine.Ice;

namespace WebRtcPS.Engine.Turn;

/// <summary>
/// Relayed candidates for ICE from one or more TURN servers: one allocation per server, all
/// started at once, each yielded as it succeeds or fails (a failure is a
/// <see cref="RelayAllocation"/> with <see cref="RelayAllocation.Error"/> set, never an exception).
/// </summary>
/// <remarks>The connections to the servers use the operating system's sockets, not the
/// <see cref="IIceNetwork"/> passed to <see cref="AllocateAsync"/> (that network only binds UDP
/// sockets, and TURN also needs TCP and TLS).</remarks>
internal sealed class TurnRelaySource : IRelayCandidateSource
{
    private readonly IReadOnlyList<TurnClientOptions> _servers;

    public TurnRelaySource(IEnumerable<TurnClientOptions> servers)
    {
        ArgumentNullException.ThrowIfNull(servers);
        _servers = servers.Select(s => s.Validate()).ToArray();
    }

    public TurnRelaySource(params TurnClientOptions[] servers) : this((IEnumerable<TurnClientOptions>)servers)
    {
    }

    /// <summary>One allocation per turn:/turns: URL of <paramref name="servers"/>, each with its own
    /// server's credential, all with <paramref name="settings"/> (stun: URLs are skipped; no TURN
    /// URL gives a source with no <see cref="Servers"/>). See <see cref="TurnClientOptions.FromIceServer"/>.</summary>
    /// <exception cref="FormatException">A URL is not a STUN/TURN URI.</exception>
    /// <exception cref="ArgumentException">A server's options are invalid (e.g. a credential without a user name).</exception>
    public static TurnRelaySource FromIceServers(IEnumerable<RTCIceServer> servers, TurnSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(servers);
        return new(servers.SelectMany(s => TurnClientOptions.FromIceServer(s, settings)));
    }

    public IReadOnlyList<TurnClientOptions> Servers => _servers;

    public IReadOnlyList<string> Urls => _servers.Select(s => s.Server.ToString()).ToArray();

    public async IAsyncEnumerable<RelayAllocation> AllocateAsync(IIceNetwork network, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var results = Channel.CreateUnbounded<RelayAllocation>();
        int pending = _servers.Count;
        if (pending == 0) yield break;
        foreach (var server in _servers)
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    results.Writer.TryWrite(await AllocateOneAsync(server, cancellationToken).ConfigureAwait(false));
                }
                finally
                {
                    if (Interlocked.Decrement(ref pending) == 0) results.Writer.TryComplete();
                }
            }, CancellationToken.None);
        }
        await foreach (var allocation in results.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            if (cancellationToken.IsCancellationRequested)
            {
                if (allocation.Socket is { } orphan) await orphan.DisposeAsync().ConfigureAwait(false);
                continue;
            }
            yield return allocation;
        }
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>A new allocation (a new TurnClient, so a new 5-tuple and a fresh 401 challenge)
    /// from the server whose URL <paramref name="lost"/> names; null when none of ours does.</summary>
    public async Task<RelayAllocation?> ReallocateAsync(RelayAllocation lost, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lost);
        var server = _servers.FirstOrDefault(s => s.Server.ToString() == lost.Url);
        return server is null ? null : await AllocateOneAsync(server, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<RelayAllocation> AllocateOneAsync(TurnClientOptions options, CancellationToken cancellationToken)
    {
        var transport = options.TransportKind == TurnTransportKind.Udp ? RTCIceProtocol.Udp : RTCIceProtocol.Tcp;
        try
        {
            var client = await TurnClient.AllocateAsync(options, cancellationToken).ConfigureAwait(false);
            return new RelayAllocation(new TurnRelaySocket(client), client.RelayedAddress, client.MappedAddress, client.ServerEndPoint.Address, transport, Url: options.Server.ToString());
        }
        catch (TurnException ex)
        {
            IPAddress? server = options.ServerEndPoint?.Address ?? (IPAddress.TryParse(options.Server.Host, out var ip) ? ip : null);
            // W3C icecandidateerror: the server's code, or 701 when it could not be reached.
            int? code = ex.ErrorCode ?? (ex.Error is TurnError.TimedOut or TurnError.NotReachable ? 701 : null);
            return new RelayAllocation(null, null, null, server, transport, $"{TurnProbe.VerdictText(TurnProbe.ToVerdict(ex.Error))}: {ex.Message}", options.Server.ToString(), code);
        }
        catch (OperationCanceledException)
        {
            return new RelayAllocation(null, null, null, null, transport, "cancelled", options.Server.ToString());
        }
    }
}
