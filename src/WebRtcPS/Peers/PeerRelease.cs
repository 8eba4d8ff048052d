using WebRtcPS.Engine.DataChannels;
using WebRtcPS.Signaling.Peers;

namespace WebRtcPS.Commands.Peers;

/// <summary>
/// What a Connect-WrtcPeer that ends without keeping its peer does: a failed, timed-out or stopped
/// connect, or a finished one the user did not ask to keep (-PassThru, or a peer from New-WrtcPeer),
/// leaves no socket, timer, DTLS thread or signaling stream behind.
/// </summary>
internal static class PeerRelease
{
    /// <summary>How long a finished connect waits for the peer to acknowledge its last messages.</summary>
    private static readonly TimeSpan FlushLimit = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Closes the peer's connection and signaling; <paramref name="unregister"/> removes it from
    /// the session (it was created by this command), otherwise it is left unconnected (a
    /// New-WrtcPeer peer the user holds) and may be connected again.
    /// </summary>
    /// <param name="flush">The connect succeeded: let the peer acknowledge what was sent before the
    /// close aborts SCTP (W3C close() does not wait for it; an ABORT discards unacknowledged data).</param>
    public static void Release(WrtcPeer peer, SeedPeer session, bool unregister, bool flush)
    {
        if (flush && session.DataChannel is { ReadyState: RTCDataChannelState.Open } channel) WaitAcknowledged(channel);
        session.DisposeAsync().AsTask().GetAwaiter().GetResult();
        if (unregister) PeerRegistry.Remove(peer);
        else if (ReferenceEquals(peer.Session, session)) peer.Session = null;
    }

    /// <summary>Until the peer's SCTP has acknowledged everything sent (the seed peer's own
    /// mechanism for its greeting), at most <see cref="FlushLimit"/>.</summary>
    private static void WaitAcknowledged(RTCDataChannel channel)
    {
        try
        {
            channel.WhenSentDataAcknowledgedAsync().Wait(FlushLimit);
        }
        catch (AggregateException)
        {
            // the association went away meanwhile: nothing left to wait for
        }
    }
}
