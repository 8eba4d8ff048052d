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
    /// <summary>How long a finished connect waits for its last messages to reach the network.</summary>
    private static readonly TimeSpan FlushLimit = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Closes the peer's connection and signaling; <paramref name="unregister"/> removes it from
    /// the session (it was created by this command), otherwise it is left unconnected (a
    /// New-WrtcPeer peer the user holds) and may be connected again.
    /// </summary>
    /// <param name="flush">The connect succeeded: let the queued greeting leave before the
    /// close aborts SCTP (W3C close() does not wait for it).</param>
    public static void Release(WrtcPeer peer, SeedPeer session, bool unregister, bool flush)
    {
        if (flush && session.DataChannel is { } channel) WaitHandedOver(channel);
        session.DisposeAsync().AsTask().GetAwaiter().GetResult();
        if (unregister) PeerRegistry.Remove(peer);
        else if (ReferenceEquals(peer.Session, session)) peer.Session = null;
    }

    /// <summary>Until the channel's bufferedAmount is 0 (handed to the network), at most <see cref="FlushLimit"/>.</summary>
    private static void WaitHandedOver(RTCDataChannel channel)
    {
        if (channel.BufferedAmount == 0 || channel.ReadyState != RTCDataChannelState.Open) return;
        using var drained = new ManualResetEventSlim();
        void OnLow(object? sender, EventArgs e) => drained.Set();
        channel.BufferedAmountLowThreshold = 0;
        channel.OnBufferedAmountLow += OnLow;
        try
        {
            if (channel.BufferedAmount > 0) drained.Wait(FlushLimit);
        }
        finally
        {
            channel.OnBufferedAmountLow -= OnLow;
        }
    }
}
