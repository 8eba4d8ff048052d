using System.Net;

namespace WebRtcPS.Engine.Ice;

/// <summary>
/// One local UDP-like transport address an ICE candidate is bound to: a real UDP socket, a
/// socket on a <see cref="VirtualIceNetwork"/>, or (later) a TURN allocation presented as a
/// socket. The agent runs one receive loop per socket and demultiplexes what it reads
/// (RFC 7983): STUN to the agent, DTLS to the upper layer.
/// </summary>
/// <remarks>One receiver at a time; sends may be concurrent. Closure surfaces as
/// <see cref="ObjectDisposedException"/> or <see cref="OperationCanceledException"/> from
/// <see cref="ReceiveFromAsync"/>. A send to an unreachable address may throw
/// <see cref="System.Net.Sockets.SocketException"/>: callers treat that as loss.</remarks>
public interface IIcePacketSocket : IAsyncDisposable
{
    /// <summary>The bound address and port (the candidate's base).</summary>
    IPEndPoint LocalEndPoint { get; }

    /// <summary>Sends one datagram to <paramref name="remote"/>. Loss is silent.</summary>
    ValueTask SendToAsync(ReadOnlyMemory<byte> datagram, IPEndPoint remote, CancellationToken cancellationToken = default);

    /// <summary>Sends every datagram of <paramref name="batch"/>, in order, to <paramref name="remote"/>:
    /// by default one <see cref="SendToAsync"/> each; a real UDP socket uses fewer system calls.</summary>
    async ValueTask SendBatchToAsync(Transport.DatagramBatch batch, IPEndPoint remote, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        for (var i = 0; i < batch.Count; i++) await SendToAsync(batch[i], remote, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits for the next datagram, copies it into <paramref name="buffer"/> (truncating
    /// as UDP does) and says who sent it.</summary>
    ValueTask<IcePacketReceiveResult> ReceiveFromAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);
}
