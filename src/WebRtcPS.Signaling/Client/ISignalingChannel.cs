namespace WebRtcPS.Signaling.Client;

/// <summary>
/// One peer's end of a signaling path (SEED-PROTOCOL.md's messages): what a <c>SeedPeer</c> needs
/// of it. <see cref="SignalingClient"/> is the HTTP one; <see cref="InProcessSignaling"/> joins
/// peers of one process without a server.
/// </summary>
internal interface ISignalingChannel : IDisposable
{
    /// <summary>Delivers <paramref name="message"/> to the peer named in its <c>To</c>.</summary>
    Task SendAsync(SignalingMessage message, CancellationToken cancellationToken = default);

    /// <summary>The messages addressed to this peer, in the order they were sent.</summary>
    IAsyncEnumerable<SignalingMessage> ReceiveAsync(CancellationToken cancellationToken = default);
}
