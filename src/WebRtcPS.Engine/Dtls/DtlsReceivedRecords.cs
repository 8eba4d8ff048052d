using System.Buffers;
using System.Threading.Channels;

namespace WebRtcPS.Engine.Dtls;

/// <summary>
/// The decrypted application records a DTLS transport holds for <c>ReceiveAsync</c>, each in the
/// pooled array it was decrypted into (returned to the pool when read), and the open-state rule
/// every send follows. Shared by both transports (<see cref="DtlsConnectionTransport"/>,
/// <see cref="DtlsTransport"/>).
/// </summary>
internal sealed class DtlsReceivedRecords(int capacity)
{
    private readonly Channel<Record> _records = Channel.CreateBounded<Record>(
        new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Queues a record; false when the queue is full or completed (the array stays the caller's).</summary>
    public bool TryWrite(byte[] array, int length) => _records.Writer.TryWrite(new Record(array, length));

    /// <summary>Queues a record, waiting for room (a receiving thread of its own may block).</summary>
    public ValueTask WriteAsync(byte[] array, int length, CancellationToken cancellationToken) =>
        _records.Writer.WriteAsync(new Record(array, length), cancellationToken);

    /// <summary>No more records: readers get what is queued, then <see cref="ReceiveAsync"/>'s end.</summary>
    public void Complete() => _records.Writer.TryComplete();

    /// <summary>Copies the next record into <paramref name="buffer"/> (truncated as UDP would); once
    /// completed and drained, throws <paramref name="error"/> or <see cref="ObjectDisposedException"/>.</summary>
    public async ValueTask<int> ReceiveAsync(Memory<byte> buffer, DtlsException? error, string owner, CancellationToken cancellationToken)
    {
        if (!_records.Reader.TryRead(out var record))
        {
            try
            {
                record = await _records.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelClosedException)
            {
                if (error is not null) throw error;
                throw new ObjectDisposedException(owner, "The DTLS transport is closed.");
            }
        }
        var n = Math.Min(record.Length, buffer.Length);
        record.Array.AsSpan(0, n).CopyTo(buffer.Span);
        ArrayPool<byte>.Shared.Return(record.Array);
        return n;
    }

    /// <summary>What a send on a transport in <paramref name="state"/> meets: nothing when connected
    /// and not closing, else the failure, "not yet", or "closed".</summary>
    public static void ThrowIfNotOpen(RTCDtlsTransportState state, bool closing, DtlsException? error, string owner)
    {
        switch (state)
        {
            case RTCDtlsTransportState.Connected when !closing:
                return;
            case RTCDtlsTransportState.Failed when error is not null:
                throw error;
            case RTCDtlsTransportState.New or RTCDtlsTransportState.Connecting:
                throw new InvalidOperationException("The DTLS handshake has not completed.");
            default:
                throw new ObjectDisposedException(owner, "The DTLS transport is closed.");
        }
    }

    private readonly record struct Record(byte[] Array, int Length);
}
