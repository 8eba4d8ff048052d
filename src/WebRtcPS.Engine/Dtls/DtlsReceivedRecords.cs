using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Engine.Dtls;

/// <summary>
/// The decrypted application records a DTLS transport holds for <c>ReceiveAsync</c>, each in the
/// pooled array it was decrypted into (returned to the pool when read), and the open-state rule
/// every send follows. Shared by both transports (<see cref="DtlsConnectionTransport"/>,
/// <see cref="DtlsTransport"/>).
/// </summary>
/// <remarks>
/// With a sink attached (<see cref="TrySetSink"/>: SCTP) a record is queued for it under the
/// transport's lock, and the thread that queued it pushes it to the sink once it has let the lock
/// go (<see cref="Push"/>): the record goes on to SCTP on the thread that received it, without the
/// pool hop of a waiting reader's continuation (~70 µs when the pool's thread slept). Records for
/// the sink have a queue of their own, so that a pending <c>ReceiveAsync</c> gets none of them.
/// </remarks>
internal sealed class DtlsReceivedRecords(int capacity)
{
    private readonly Channel<Record> _records = Channel.CreateBounded<Record>(
        new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait });
    private readonly ConcurrentQueue<Record> _forSink = new();
    private int _forSinkCount;
    private volatile IDatagramSink? _sink;
    private volatile bool _completed;
    private int _endPushed;

    /// <summary>Attaches <paramref name="sink"/> and pushes what is queued (see <see cref="IDatagramPushSource.TrySetSink"/>).</summary>
    public bool TrySetSink(IDatagramSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (Interlocked.CompareExchange(ref _sink, sink, null) is not null) return false;
        Push();
        return true;
    }

    /// <summary>Detaches <paramref name="sink"/> if attached: later records queue for ReceiveAsync again.</summary>
    public void RemoveSink(IDatagramSink sink) => Interlocked.CompareExchange(ref _sink, null, sink);

    /// <summary>Hands every queued record to the sink, in order (those queued before it came
    /// first), on this thread, never under the transport's lock; then tells it, once, when the
    /// transport has ended. Without a sink, nothing. Two threads may push at once (ICE has one per
    /// socket): each record goes to one of them.</summary>
    public void Push()
    {
        if (_sink is not { } sink) return;
        while (_records.Reader.TryRead(out var record) || TryTakeForSink(out record)) PushOne(sink, record);
        if (_completed && _forSink.IsEmpty && Interlocked.Exchange(ref _endPushed, 1) == 0) sink.OnSourceEnded();
    }

    private bool TryTakeForSink(out Record record)
    {
        if (!_forSink.TryDequeue(out record)) return false;
        Interlocked.Decrement(ref _forSinkCount);
        return true;
    }

    private static void PushOne(IDatagramSink sink, Record record)
    {
        try
        {
            sink.OnDatagram(record.Array.AsSpan(0, record.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(record.Array);
        }
    }

    /// <summary>Queues a record (for the sink when one is attached); false when the queue is full
    /// or completed (the array stays the caller's).</summary>
    public bool TryWrite(byte[] array, int length)
    {
        if (_sink is null) return _records.Writer.TryWrite(new Record(array, length));
        if (_completed) return false;
        if (Interlocked.Increment(ref _forSinkCount) > capacity)
        {
            Interlocked.Decrement(ref _forSinkCount);
            return false;
        }
        _forSink.Enqueue(new Record(array, length));
        return true;
    }

    /// <summary>Queues a record, waiting for room (a receiving thread of its own may block).</summary>
    public ValueTask WriteAsync(byte[] array, int length, CancellationToken cancellationToken) =>
        _records.Writer.WriteAsync(new Record(array, length), cancellationToken);

    /// <summary>No more records: readers get what is queued, then <see cref="ReceiveAsync"/>'s end.</summary>
    public void Complete()
    {
        _completed = true;
        _records.Writer.TryComplete();
    }

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
