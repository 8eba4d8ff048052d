namespace WebRtcPS.Engine.Transport;

/// <summary>
/// A bidirectional, unreliable, message-preserving transport: the contract every layer above ICE
/// is written against (DTLS over the selected ICE pair, SCTP over DTLS). One datagram per call.
/// </summary>
/// <remarks>
/// Implementations may be called from one sender and one receiver concurrently; concurrent sends
/// must be safe. A receive that returns 0 bytes is an empty datagram, not end of stream: closure
/// surfaces as <see cref="ObjectDisposedException"/> or <see cref="OperationCanceledException"/>.
/// </remarks>
public interface IDatagramTransport : IAsyncDisposable
{
    /// <summary>Largest datagram the path carries without IP fragmentation (payload bytes).</summary>
    int MaxDatagramSize { get; }

    /// <summary>Sends one datagram. Loss is silent, as with UDP.</summary>
    ValueTask SendAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken = default);

    /// <summary>Waits for the next datagram and copies it into <paramref name="buffer"/>; returns its
    /// length. A datagram longer than the buffer is truncated, as with UDP.</summary>
    ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

    /// <summary>Sends every datagram of <paramref name="batch"/>, in order, as
    /// <see cref="SendAsync"/> would one by one (which is what this default does). A transport
    /// that can do its per-send work once per batch overrides it. The batch is the caller's again
    /// when the returned task completes.</summary>
    async ValueTask SendBatchAsync(DatagramBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        for (var i = 0; i < batch.Count; i++) await SendAsync(batch[i], cancellationToken).ConfigureAwait(false);
    }
}
