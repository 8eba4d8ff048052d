using WebRtcPS.Signaling.Peers;

namespace WebRtcPS.Commands.Peers;

/// <summary>Turns a peer's engine events into the pipeline objects and streams Connect-WrtcPeer writes.</summary>
internal static class PeerEventWriter
{
    /// <summary>The object for <paramref name="e"/>, or null when it goes to another stream (verbose, warning).</summary>
    public static object? ToOutput(WrtcPeer peer, SeedPeerEvent e, out string? verbose, out string? warning)
    {
        verbose = null;
        warning = null;
        switch (e)
        {
            case SeedPeerCandidateEvent c:
                return new IceCandidateEvent(c.Candidate, c.IsLocal ? CandidateDirection.Local : CandidateDirection.Remote, c.Timestamp, c.Elapsed, c.Url, peer.Id);
            case SeedPeerStateEvent s:
                return new StateChange(peer.Id, s);
            case SeedPeerSelectedPairEvent p:
                var pair = new SelectedCandidatePair(peer.Id, p.Timestamp, p.Elapsed, p.Pair);
                peer.LastSelectedPair = pair;
                return pair;
            case SeedPeerMessageEvent m:
                return new WrtcMessage(peer.Id, m.Timestamp, m.Elapsed, m.Sent ? MessageDirection.Sent : MessageDirection.Received, m.Label, m.IsText, m.Data);
            case SeedPeerSignalingEvent s:
                verbose = s.Sent
                    ? $"[{s.Elapsed.TotalMilliseconds,8:F1} ms] signaling: sent {s.Type} to '{s.Peer}' ({s.Length} chars)"
                    : $"[{s.Elapsed.TotalMilliseconds,8:F1} ms] signaling: received {s.Type} from '{s.Peer}' ({s.Length} chars)";
                return null;
            case SeedPeerIceRestartEvent r:
                verbose = $"[{r.Elapsed.TotalMilliseconds,8:F1} ms] ICE restarted: new local ice-ufrag {r.UsernameFragment}";
                return null;
            case SeedPeerWarningEvent w:
                warning = $"{peer.Id}: {w.Message}";
                return null;
            default:
                return null;
        }
    }
}
