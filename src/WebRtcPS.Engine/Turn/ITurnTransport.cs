using System.Net;

namespace WebRtcPS.Engine.Turn;

/// <summary>
/// The client-to-server leg: one datagram per frame over UDP, or framed STUN/ChannelData on a
/// TCP or TLS stream. Sends may be concurrent; there is one receiver.
/// </summary>
internal interface ITurnTransport : IAsyncDisposable
{
    TurnTransportKind Kind { get; }
    IPEndPoint LocalEndPoint { get; }
    IPEndPoint RemoteEndPoint { get; }
    bool IsReliable { get; }

    /// <summary>Sends one STUN message or ChannelData message (padded here on streams).</summary>
    ValueTask SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken);

    /// <summary>The next frame; null when the server closed the connection.</summary>
    ValueTask<byte[]?> ReceiveAsync(CancellationToken cancellationToken);
}
