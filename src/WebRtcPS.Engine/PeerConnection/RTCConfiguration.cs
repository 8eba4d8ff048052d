using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.Ice;

namespace WebRtcPS.Engine.PeerConnection;

/// <summary>
/// ICE timers of a peer connection. The defaults differ from <see cref="IceAgentOptions"/> (which
/// follows the RFCs) in two places, chosen for fast setup of a data-channel session:
/// <list type="bullet">
/// <item><see cref="Ta"/> is 10 ms instead of 50 ms. Ta paces new checks so that many media streams
/// and candidates do not flood a NAT; a data-channel session has one component and a handful of
/// pairs, so a 10 ms pace costs nothing and saves a Ta per pair.</item>
/// <item><see cref="NominateWithoutPacing"/> is on: the USE-CANDIDATE check goes to a pair that has
/// just answered, so it probes no new path; sending it at once saves up to one Ta and lets the
/// controlled side select the pair (and start DTLS) sooner. Peers that do not expect it (pion,
/// aiortc, browsers) are unaffected: to them it is an ordinary, well-formed check.</item>
/// </list>
/// </summary>
public sealed record RTCIceTimers
{
    public TimeSpan Ta { get; init; } = TimeSpan.FromMilliseconds(10);
    public bool NominateWithoutPacing { get; init; } = true;
    public TimeSpan CheckRto { get; init; } = TimeSpan.FromMilliseconds(500);
    public int MaxCheckRequests { get; init; } = 7;
    public TimeSpan NominationTimeout { get; init; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan ConsentInterval { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan DisconnectedTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan ConsentTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan EndOfCandidatesTimeout { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// W3C RTCConfiguration plus engine settings a network test needs (loopback, interface filter,
/// timers, a relay source). <see cref="Validate"/> is called by the <see cref="RTCPeerConnection"/>
/// constructor and throws <see cref="ArgumentException"/> naming the bad property.
/// </summary>
public sealed record RTCConfiguration
{
    public IReadOnlyList<RTCIceServer> IceServers { get; init; } = [];

    public RTCIceTransportPolicy IceTransportPolicy { get; init; } = RTCIceTransportPolicy.All;

    /// <summary>The DTLS certificate (the first is used); one is generated when empty.</summary>
    public IReadOnlyList<RTCCertificate> Certificates { get; init; } = [];

    /// <summary>Engine: gather 127.0.0.1/::1 host candidates too (tests on one machine).</summary>
    public bool IncludeLoopback { get; init; }

    /// <summary>Engine: gather IPv6 host candidates.</summary>
    public bool EnableIPv6 { get; init; } = true;

    /// <summary>Engine: return false to skip a local interface address.</summary>
    public Func<IceNetworkAddress, bool>? InterfaceFilter { get; init; }

    /// <summary>Engine: relayed candidates (TURN allocations). TURN URLs in <see cref="IceServers"/>
    /// need this source to produce candidates.</summary>
    public IRelayCandidateSource? RelaySource { get; init; }

    /// <summary>Engine: gather ICE-TCP host candidates (RFC 6544, passive and active) and use the
    /// peer's; see <see cref="IceAgentOptions.EnableTcp"/>.</summary>
    public bool EnableTcp { get; init; }

    /// <summary>Engine: no UDP host candidates (with <see cref="EnableTcp"/>: TCP only); see
    /// <see cref="IceAgentOptions.DisableUdp"/>.</summary>
    public bool DisableUdp { get; init; }

    /// <summary>Engine: resolver for peers' ".local" candidates; such candidates are rejected without one.</summary>
    public IMdnsResolver? MdnsResolver { get; init; }

    /// <summary>Engine: ICE timers (fast-setup defaults, see <see cref="RTCIceTimers"/>).</summary>
    public RTCIceTimers IceTimers { get; init; } = new();

    /// <summary>Engine: how long the DTLS handshake may take once ICE has connected.</summary>
    public TimeSpan DtlsHandshakeTimeout { get; init; } = DtlsParameters.DefaultHandshakeTimeout;

    /// <summary>Engine: the a=max-message-size we advertise (the largest message we accept).</summary>
    public int MaxMessageSize { get; init; } = 262144;

    /// <summary>Engine: optional logger handed to every layer.</summary>
    public Microsoft.Extensions.Logging.ILogger? Logger { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad property and why.</summary>
    public RTCConfiguration Validate()
    {
        if (IceServers is null) throw new ArgumentException("IceServers must not be null (use an empty list).", nameof(IceServers));
        for (var i = 0; i < IceServers.Count; i++)
        {
            var server = IceServers[i] ?? throw new ArgumentException($"IceServers[{i}] is null.", nameof(IceServers));
            if (server.Urls is null || server.Urls.Count == 0)
                throw new ArgumentException($"IceServers[{i}] has no URLs.", nameof(IceServers));
            foreach (var url in server.Urls)
            {
                if (!IceServerUri.TryParse(url, out var uri, out var error))
                    throw new ArgumentException($"IceServers[{i}]: \"{url}\" is not a STUN/TURN URL: {error}", nameof(IceServers));
                if (!uri.IsStun && (string.IsNullOrEmpty(server.Username) || server.Credential is null))
                    throw new ArgumentException($"IceServers[{i}]: the TURN URL \"{url}\" needs Username and Credential (W3C InvalidAccessError).", nameof(IceServers));
            }
        }
        if (!Enum.IsDefined(IceTransportPolicy))
            throw new ArgumentException($"IceTransportPolicy {IceTransportPolicy} is not All or Relay.", nameof(IceTransportPolicy));
        if (Certificates is null) throw new ArgumentException("Certificates must not be null (use an empty list).", nameof(Certificates));
        foreach (var certificate in Certificates)
        {
            if (certificate is null) throw new ArgumentException("Certificates contains null.", nameof(Certificates));
            if (certificate.Expires <= DateTimeOffset.UtcNow)
                throw new ArgumentException($"A certificate expired at {certificate.Expires:u} (W3C InvalidAccessError).", nameof(Certificates));
        }
        if (IceTimers is null) throw new ArgumentException("IceTimers must not be null.", nameof(IceTimers));
        if (DtlsHandshakeTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(DtlsHandshakeTimeout), DtlsHandshakeTimeout, "Must be positive.");
        if (MaxMessageSize < 1024)
            throw new ArgumentOutOfRangeException(nameof(MaxMessageSize), MaxMessageSize, "Must be at least 1024 bytes.");
        try
        {
            ToIceAgentOptions(RTCIceRole.Controlling, RTCIceParameters.Generate()).Validate();
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"IceTimers: {ex.Message}", nameof(IceTimers), ex);
        }
        return this;
    }

    internal IceAgentOptions ToIceAgentOptions(RTCIceRole role, RTCIceParameters local)
    {
        var relayOnly = IceTransportPolicy == RTCIceTransportPolicy.Relay;
        var stun = relayOnly ? [] : IceServers.SelectMany(s => s.Urls)
            .Where(u => IceServerUri.TryParse(u, out var uri, out _) && !!uri.IsStun).ToList();
        return new IceAgentOptions
        {
            Role = role,
            LocalParameters = local,
            IceServers = stun,
            IncludeLoopback = IncludeLoopback && !relayOnly,
            EnableIPv6 = EnableIPv6,
            // Relay policy: no host (so no server-reflexive) candidates at all; only the relay source's.
            InterfaceFilter = relayOnly ? static _ => false : InterfaceFilter,
            RelaySource = RelaySource,
            MdnsResolver = MdnsResolver,
            EnableTcp = EnableTcp && !relayOnly,
            DisableUdp = DisableUdp,
            Ta = IceTimers.Ta,
            NominateWithoutPacing = IceTimers.NominateWithoutPacing,
            CheckRto = IceTimers.CheckRto,
            MaxCheckRequests = IceTimers.MaxCheckRequests,
            NominationTimeout = IceTimers.NominationTimeout,
            ConsentInterval = IceTimers.ConsentInterval,
            DisconnectedTimeout = IceTimers.DisconnectedTimeout,
            ConsentTimeout = IceTimers.ConsentTimeout,
            EndOfCandidatesTimeout = IceTimers.EndOfCandidatesTimeout,
            Logger = Logger,
        };
    }
}
