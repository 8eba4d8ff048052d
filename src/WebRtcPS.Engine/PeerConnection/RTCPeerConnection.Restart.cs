using WebRtcPS.Engine.Ice;

namespace WebRtcPS.Engine.PeerConnection;

// ICE restart (RFC 8445 §9; webrtc-pc §4.4.1.6 restartIce): new credentials, a new checklist after
// the next offer/answer, while DTLS, SCTP and the data channels carry on over whatever path the
// new generation selects. The way out of a failed ICE transport (consent expired, RFC 7675 §5.1).
public sealed partial class RTCPeerConnection
{
    /// <summary>
    /// W3C restartIce(): new local ICE credentials at once, so the next <see cref="CreateOffer"/>
    /// carries them; the peer answers with its own new ones and checks start again. The selected
    /// pair keeps carrying data meanwhile (if it still can); a failed transport goes back to new,
    /// then checking. Does nothing when closed or before any description (the first offer's
    /// credentials are new anyway).
    /// </summary>
    public void RestartIce() => _loop.Invoke(() =>
    {
        if (_closed || _agent is not { } agent) return;
        RestartAgent(agent, "restartIce()");
    });

    /// <summary>On the loop: the agent restarts and its new credentials become ours.</summary>
    private void RestartAgent(IceAgent agent, string cause)
    {
        // The agent's loop never waits for ours, so this wait is short and cannot deadlock.
        _localIce = agent.RestartAsync().GetAwaiter().GetResult();
        if (_dtlsState != RTCDtlsTransportState.Failed) _failureReason = null;
        if (_config.Logger is { } logger) PeerConnectionLog.IceRestarted(logger, cause, _localIce.UsernameFragment);
    }

    /// <summary>Closes every data channel with <paramref name="reason"/>: for callers that never
    /// restart ICE (the seed protocol has no restart), for whom a failed connection is final.</summary>
    internal void CloseChannels(string? reason) => _loop.Post(() => _channels.CloseAll(reason));
}
