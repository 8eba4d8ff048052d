using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.Sctp;
using WebRtcPS.Engine.Turn;

namespace WebRtcPS.Engine.PeerConnection;

/// <summary>
/// W3C RTCConfiguration (servers, policy, certificates) plus one engine options object per layer
/// the peer connection builds: <see cref="Ice"/>, <see cref="Turn"/>, <see cref="Dtls"/>,
/// <see cref="Sctp"/>. The peer connection derives each layer's options from these (its role, its
/// credentials, the servers of <see cref="IceServers"/>); nothing is copied property by property.
/// <see cref="Validate"/> is called by the <see cref="RTCPeerConnection"/> constructor and throws
/// <see cref="ArgumentException"/> naming the bad property.
/// </summary>
public sealed record RTCConfiguration
{
    /// <summary>
    /// ICE defaults of a peer connection. They differ from <see cref="IceAgentOptions"/> (which
    /// follows the RFCs) in four places, chosen for fast setup of a data-channel session:
    /// <list type="bullet">
    /// <item><see cref="IceAgentOptions.Ta"/> is 10 ms instead of 50 ms. Ta paces new checks so that
    /// many media streams and candidates do not flood a NAT; a data-channel session has one
    /// component and a handful of pairs, so a 10 ms pace costs nothing and saves a Ta per pair.</item>
    /// <item><see cref="IceAgentOptions.NominateWithoutPacing"/> is on: the USE-CANDIDATE check goes
    /// to a pair that has just answered, so it probes no new path; sending it at once saves up to
    /// one Ta and lets the controlled side select the pair (and start DTLS) sooner. Peers that do
    /// not expect it (pion, aiortc, browsers) are unaffected: to them it is an ordinary check.</item>
    /// <item><see cref="IceAgentOptions.NominationRoundTrips"/> is 3: behind a NAT the highest pairs
    /// (to the peer's private host addresses) never answer; waiting three round trips of the valid
    /// pair for them, instead of the whole 200 ms nomination timeout, lets a connection through a NAT
    /// open within a few round trips of both sides having the candidates.</item>
    /// <item><see cref="IceAgentOptions.CheckRto"/> is 100 ms instead of 500 ms (RFC 8445 §14.3 makes it
    /// configurable): through NATs the first checks are often dropped by a NAT that has not yet sent
    /// toward the peer (hole punching), and the next one then opens the path 0.1 s later instead of
    /// 0.5 s; the retransmissions still double, so a dead pair costs a handful of small packets.</item>
    /// </list>
    /// It also resolves the peer's ".local" host candidates (browsers hide their addresses so) with
    /// <see cref="MulticastDnsResolver.Shared"/>; set <see cref="IceAgentOptions.MdnsHostCandidates"/>
    /// to hide ours the same way.
    /// Change them with <c>with</c>: <c>Ice = RTCConfiguration.DefaultIce with { IncludeLoopback = true }</c>.
    /// </summary>
    public static IceAgentOptions DefaultIce { get; } = new()
    {
        Ta = TimeSpan.FromMilliseconds(10),
        NominateWithoutPacing = true,
        NominationRoundTrips = 3,
        CheckRto = TimeSpan.FromMilliseconds(100),
        MdnsResolver = MulticastDnsResolver.Shared,
    };

    /// <summary>STUN and TURN servers. Every turn:/turns: URL becomes one TURN allocation with its
    /// server's Username and Credential; stun: URLs give server-reflexive candidates.</summary>
    public IReadOnlyList<RTCIceServer> IceServers { get; init; } = [];

    /// <summary>W3C iceTransportPolicy: Relay keeps every non-relay candidate out of the checks and the descriptions.</summary>
    public RTCIceTransportPolicy IceTransportPolicy { get; init; } = RTCIceTransportPolicy.All;

    /// <summary>The DTLS certificate (the first is used); one is generated when empty.</summary>
    public IReadOnlyList<RTCCertificate> Certificates { get; init; } = [];

    /// <summary>Engine: the ICE agent's gathering and timers (interfaces, loopback, IPv6, ICE-TCP,
    /// mDNS, Ta...). The peer connection sets <see cref="IceAgentOptions.Role"/> and
    /// <see cref="IceAgentOptions.LocalParameters"/>, and takes the servers from
    /// <see cref="IceServers"/>: <see cref="IceAgentOptions.IceServers"/>,
    /// <see cref="IceAgentOptions.RelaySource"/> and LocalParameters must be left unset here.</summary>
    public IceAgentOptions Ice { get; init; } = DefaultIce;

    /// <summary>Engine: how the TURN client behaves for every turn:/turns: URL of
    /// <see cref="IceServers"/> (TLS certificate validation, refresh timers...).</summary>
    public TurnSettings Turn { get; init; } = new();

    /// <summary>Engine: DTLS settings (handshake timeout).</summary>
    public DtlsSettings Dtls { get; init; } = new();

    /// <summary>Engine: SCTP settings; <see cref="SctpAssociationOptions.MaxMessageSize"/> is also the
    /// a=max-message-size we advertise (the largest message we accept). The peer connection sets
    /// the ports, the peer's maximum and event delivery.</summary>
    public SctpAssociationOptions Sctp { get; init; } = new();

    /// <summary>Engine: logger handed to every layer whose own options name none.</summary>
    public Microsoft.Extensions.Logging.ILogger? Logger { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad property and why.</summary>
    public RTCConfiguration Validate()
    {
        if (IceServers is null) throw new ArgumentException("IceServers must not be null (use an empty list).", nameof(IceServers));
        if (Turn is null) throw new ArgumentException("Turn must not be null.", nameof(Turn));
        Nested(nameof(Turn), () => Turn.Validate());
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
            try
            {
                foreach (var turn in TurnClientOptions.FromIceServer(server, Turn)) turn.Validate();
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentException($"IceServers[{i}]: {ex.Message}", nameof(IceServers), ex);
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
        ValidateIce();
        if (Dtls is null) throw new ArgumentException("Dtls must not be null.", nameof(Dtls));
        Nested(nameof(Dtls), Dtls.Validate);
        if (Sctp is null) throw new ArgumentException("Sctp must not be null.", nameof(Sctp));
        if (Sctp.MaxMessageSize < 1024)
            throw new ArgumentOutOfRangeException(nameof(Sctp), Sctp.MaxMessageSize, "Sctp.MaxMessageSize must be at least 1024 bytes.");
        Nested(nameof(Sctp), () => RTCPeerConnection.SctpOptions(this, remotePort: 0, remoteMaxMessageSize: null).Validate());
        return this;
    }

    private void ValidateIce()
    {
        if (Ice is null) throw new ArgumentException("Ice must not be null.", nameof(Ice));
        if (Ice.IceServers is not { Count: 0 })
            throw new ArgumentException("Ice.IceServers must be empty: STUN servers go in IceServers (the W3C list).", nameof(Ice));
        if (Ice.RelaySource is not null)
            throw new ArgumentException("Ice.RelaySource must be null: TURN servers go in IceServers (turn:/turns: URLs with Username and Credential), their client settings in Turn.", nameof(Ice));
        if (Ice.LocalParameters is not null)
            throw new ArgumentException("Ice.LocalParameters must be null: each peer connection generates its own ICE credentials.", nameof(Ice));
        Nested(nameof(Ice), () => Ice.Validate());
    }

    /// <summary>Runs a layer's own validation; its error names the layer's property here.</summary>
    private static void Nested(string property, Action validate)
    {
        try
        {
            validate();
        }
        catch (ArgumentException ex)
        {
            var name = ex.ParamName is { } inner ? $"{property}.{inner}" : property;
            throw new ArgumentException($"{name}: {ex.Message}", property, ex);
        }
    }
}
