using WebRtcPS.Engine.PeerConnection;
using WebRtcPS.Signaling.Peers;

namespace WebRtcPS;

/// <summary>
/// A WebRTC peer of this session: its configuration (from New-WrtcPeer) and, once connected,
/// its live connection. Properties read the current state each time.
/// </summary>
public sealed class WrtcPeer
{
    internal WrtcPeer(SeedPeerOptions options)
    {
        Options = options;
        Created = DateTime.Now;
    }

    internal SeedPeerOptions Options { get; }
    internal SeedPeer? Session { get; set; }
    internal WebRtcPS.SelectedCandidatePair? LastSelectedPair { get; set; }

    public string Id => Options.EffectiveId;
    public string RemoteId => Options.EffectiveRemoteId;
    public string Role => Options.Role.ToString();
    public string SignalingUri => Options.SignalingUri.ToString();
    public string ChannelLabel => Options.ChannelLabel;
    public DateTime Created { get; }

    /// <summary>new until Connect-WrtcPeer runs; then the W3C connection state (connected, failed, closed...).</summary>
    public string ConnectionState => Session?.Connection?.ConnectionState.ToWireName() ?? "new";

    public string IceState => Session?.Connection?.IceConnectionState.ToWireName() ?? "new";

    public string ChannelState => Session?.DataChannel?.ReadyState.ToString().ToLowerInvariant() ?? "none";

    /// <summary>The selected candidate pair, as "type address:port &lt;-&gt; type address:port (protocol)".</summary>
    public string? SelectedPair => LastSelectedPair?.ToString();

    /// <summary>Offer created (or received) to channel open, in milliseconds.</summary>
    public double? SetupMs => Session?.SetupTime is { } t ? Math.Round(t.TotalMilliseconds, 1) : null;

    /// <summary>Received messages not yet read with Receive-WrtcMessage.</summary>
    public int PendingMessages => Session?.Messages.CanCount == true ? Session.Messages.Count : 0;

    public override string ToString() => $"{Role} {Id} -> {RemoteId} ({ConnectionState})";
}
