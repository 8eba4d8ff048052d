using WebRtcPS.Engine.Ice;

namespace WebRtcPS.Signaling.Peers;

// The candidate a pair was made from is part of the account a user reads (Connect-WrtcPeer
// -Include Candidate). ICE can select a pair before the remote's trickled candidate arrives: a
// check from an address not yet signaled makes a peer-reflexive candidate (RFC 8445 §7.3.1.3),
// and on a fast path the greetings are exchanged while the candidate's signaling message is still
// on its way. The seed protocol has no end-of-candidates, so the exchange ends once the selected
// pair has been reselected with the remote's signaled candidate, or after a short grace when that
// never happens (a symmetric NAT's mapping is not a candidate the remote can signal).
public sealed partial class SeedPeer
{
    /// <summary>How long the end of ConnectAsync waits for the selected peer-reflexive remote
    /// candidate to arrive through signaling.</summary>
    internal static readonly TimeSpan SelectedRemoteGrace = TimeSpan.FromMilliseconds(500);

    private readonly object _remoteGate = new();
    private readonly List<RTCIceCandidate> _signaledRemotes = [];
    private readonly TaskCompletionSource _selectedRemoteSignaled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RTCIceCandidate? _selectedRemote;

    /// <summary>A remote candidate came through signaling.</summary>
    private void OnRemoteSignaled(RTCIceCandidate candidate)
    {
        bool done;
        lock (_remoteGate)
        {
            _signaledRemotes.Add(candidate);
            done = SelectedRemoteIsSignaled();
        }
        if (done) _selectedRemoteSignaled.TrySetResult();
    }

    /// <summary>ICE selected (or reselected) a pair with this remote candidate.</summary>
    private void OnRemoteSelected(RTCIceCandidate remote)
    {
        bool done;
        lock (_remoteGate)
        {
            _selectedRemote = remote;
            done = SelectedRemoteIsSignaled();
        }
        if (done) _selectedRemoteSignaled.TrySetResult();
    }

    /// <summary>The engine reselects the pair with the signaled candidate once it comes (RFC 8445
    /// §7.3.1.3's replacement); a TCP pair's remote port is the connection's, never a signaled
    /// one (the listener's, or 9 when active), so for TCP a signaled candidate at its address will do.</summary>
    private bool SelectedRemoteIsSignaled() =>
        _selectedRemote is { } selected
        && (selected.Type != RTCIceCandidateType.Prflx
            || (selected.Protocol == RTCIceProtocol.Tcp && _signaledRemotes.Exists(c =>
                c.Protocol == RTCIceProtocol.Tcp && string.Equals(c.Address, selected.Address, StringComparison.OrdinalIgnoreCase))));

    /// <summary>Waits, at most <see cref="SelectedRemoteGrace"/>, until the selected pair's remote
    /// candidate has come through signaling (and the pair's event was emitted).</summary>
    private async Task SelectedRemoteSignaledAsync(CancellationToken ct)
    {
        try
        {
            await _selectedRemoteSignaled.Task.WaitAsync(SelectedRemoteGrace, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
    }
}
