using WebRtcPS.Engine.DataChannels;
using WebRtcPS.Engine.PeerConnection;

namespace WebRtcPS.Signaling.Peers;

/// <summary>The original tool's two roles: the offerer opens the data channel and sends the offer.</summary>
public enum SeedPeerRole
{
    /// <summary>Creates the data channel and the offer.</summary>
    Offerer,
    /// <summary>Waits for the offer and answers it.</summary>
    Answerer,
}

/// <summary>
/// Configuration of a <see cref="SeedPeer"/>: the original tool's flags (role, ids, signaling
/// address, channel label) plus everything an RTCPeerConnection takes.
/// </summary>
public sealed record SeedPeerOptions
{
    /// <summary>The original tool's offerer id.</summary>
    public const string DefaultOffererId = "offer-peer-1";
    /// <summary>The original tool's answerer id.</summary>
    public const string DefaultAnswererId = "answer-peer-1";
    /// <summary>The original tool's channel label.</summary>
    public const string DefaultLabel = "testChannel";

    /// <summary>Offerer or answerer.</summary>
    public SeedPeerRole Role { get; init; } = SeedPeerRole.Offerer;

    /// <summary>This peer's id on the signaling server; the role's default when null.</summary>
    public string? Id { get; init; }

    /// <summary>The other peer's id; the other role's default when null.</summary>
    public string? RemoteId { get; init; }

    /// <summary>The signaling server (http:// or https://).</summary>
    public required Uri SignalingUri { get; init; }

    /// <summary>How to talk to the signaling server: token, certificate trust, reconnection; defaults when null.</summary>
    public Client.SignalingClientOptions? SignalingClient { get; init; }

    /// <summary>The peer connection's configuration (ICE servers, policy, timers).</summary>
    public RTCConfiguration Configuration { get; init; } = new();

    /// <summary>Label of the channel the offerer opens.</summary>
    public string ChannelLabel { get; init; } = DefaultLabel;

    /// <summary>Options of the channel the offerer opens.</summary>
    public RTCDataChannelInit ChannelInit { get; init; } = new();

    /// <summary>Sent once the channel opens; null is the original's ("Hello from the Offerer!").</summary>
    public string? Greeting { get; init; }

    /// <summary>Send the greeting once the channel opens.</summary>
    public bool SendGreeting { get; init; } = true;

    /// <summary>Connect completes only once the remote's first message (its greeting) has arrived.</summary>
    public bool WaitForRemoteGreeting { get; init; } = true;

    /// <see cref="Id"/>, or the role's default.
    public string EffectiveId => Id ?? (Role == SeedPeerRole.Offerer ? DefaultOffererId : DefaultAnswererId);

    /// <see cref="RemoteId"/>, or the other role's default.
    public string EffectiveRemoteId => RemoteId ?? (Role == SeedPeerRole.Offerer ? DefaultAnswererId : DefaultOffererId);

    /// <see cref="Greeting"/>, or the original's greeting for the role.
    public string EffectiveGreeting => Greeting ?? (Role == SeedPeerRole.Offerer ? "Hello from the Offerer!" : "Hello from the Answerer!");

    /// <summary>Checks the signaling URI, the ids and the configuration.</summary>
    /// <returns>This instance, for chaining.</returns>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public SeedPeerOptions Validate()
    {
        ArgumentNullException.ThrowIfNull(SignalingUri, nameof(SignalingUri));
        if (SignalingUri.Scheme is not ("http" or "https"))
            throw new ArgumentException($"SignalingUri must be http:// or https://, not '{SignalingUri}'.", nameof(SignalingUri));
        if (string.IsNullOrWhiteSpace(EffectiveId)) throw new ArgumentException("Id must not be empty.", nameof(Id));
        if (string.IsNullOrWhiteSpace(EffectiveRemoteId)) throw new ArgumentException("RemoteId must not be empty.", nameof(RemoteId));
        if (EffectiveId == EffectiveRemoteId) throw new ArgumentException($"Id and RemoteId are both '{EffectiveId}'.", nameof(RemoteId));
        if (string.IsNullOrEmpty(ChannelLabel)) throw new ArgumentException("ChannelLabel must not be empty.", nameof(ChannelLabel));
        if (ChannelInit.MaxRetransmits is not null && ChannelInit.MaxPacketLifeTime is not null)
            throw new ArgumentException("MaxRetransmits and MaxPacketLifeTime are mutually exclusive.", nameof(ChannelInit));
        Configuration.Validate();
        return this;
    }
}
