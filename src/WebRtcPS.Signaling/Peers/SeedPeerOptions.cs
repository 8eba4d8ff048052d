using WebRtcPS.Engine.DataChannels;
using WebRtcPS.Engine.PeerConnection;

namespace WebRtcPS.Signaling.Peers;

/// <summary>The original tool's two roles: the offerer opens the data channel and sends the offer.</summary>
public enum SeedPeerRole
{
    Offerer,
    Answerer,
}

/// <summary>
/// Configuration of a <see cref="SeedPeer"/>: the original tool's flags (role, ids, signaling
/// address, channel label) plus everything an RTCPeerConnection takes.
/// </summary>
public sealed record SeedPeerOptions
{
    public const string DefaultOffererId = "offer-peer-1";
    public const string DefaultAnswererId = "answer-peer-1";
    public const string DefaultLabel = "testChannel";

    public SeedPeerRole Role { get; init; } = SeedPeerRole.Offerer;

    /// <summary>This peer's id on the signaling server; the role's default when null.</summary>
    public string? Id { get; init; }

    /// <summary>The other peer's id; the other role's default when null.</summary>
    public string? RemoteId { get; init; }

    public required Uri SignalingUri { get; init; }

    public RTCConfiguration Configuration { get; init; } = new();

    /// <summary>Label of the channel the offerer opens.</summary>
    public string ChannelLabel { get; init; } = DefaultLabel;

    public RTCDataChannelInit ChannelInit { get; init; } = new();

    /// <summary>Sent once the channel opens; null is the original's ("Hello from the Offerer!").</summary>
    public string? Greeting { get; init; }

    public bool SendGreeting { get; init; } = true;

    /// <summary>Connect completes only once the remote's first message (its greeting) has arrived.</summary>
    public bool WaitForRemoteGreeting { get; init; } = true;

    public string EffectiveId => Id ?? (Role == SeedPeerRole.Offerer ? DefaultOffererId : DefaultAnswererId);

    public string EffectiveRemoteId => RemoteId ?? (Role == SeedPeerRole.Offerer ? DefaultAnswererId : DefaultOffererId);

    public string EffectiveGreeting => Greeting ?? (Role == SeedPeerRole.Offerer ? "Hello from the Offerer!" : "Hello from the Answerer!");

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
