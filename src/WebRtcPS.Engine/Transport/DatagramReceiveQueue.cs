using System.Buffers;
using System.Threading.Channels;

namespace WebRtcPS.Engine.Transport;

/// <summary>
/// The receive side of a lower transport: received datagrams are queued for
/// <see cref="ReceiveAsync"/>, or, once a sink is attached, pushed to it on the delivering thread
/// (<see cref="IDatagramPushSource"/>).
/// </summary>
/// <remarks>
/// Bounded like a socket buffer: when nobody reads, datagrams drop, as UDP would. Queued datagrams
/// sit in pooled arrays, returned when read. The switch to a sink is lossless and keeps order:
/// under one gate it drains the queue into the sink and then publishes the sink, and a delivery
/// that finds no sink queues under the same gate, so none can slip into the queue after the drain.
/// Once a sink is published, deliveries call it without the gate. Lock order: this gate, then
/// whatever the sink takes; the sink never calls back into this queue while it holds a lock.
/// </remarks>
internal sealed class DatagramReceiveQueue
{
    private readonly Channel<PooledDatagram> _queued;
    private readonly object _gate = new();
    private volatile IDatagramSink? _sink;

    /// <param name="capacity">Datagrams held while nobody reads.</param>
    /// <param name="synchronousContinuations">A waiting reader's continuation runs on the
    /// delivering thread (the DTLS adapter's only wakes its thread).</param>
    public DatagramReceiveQueue(int capacity, bool synchronousContinuations)
    {
        _queued = Channel.CreateBounded<PooledDatagram>(new BoundedChannelOptions(capacity)
        {
            SingleReader = false,
            // Wait, never used to wait: TryWrite then says false when full (DropWrite would say
            // true and drop the pooled array unreturned), so the drop is counted and the array reused.
            FullMode = BoundedChannelFullMode.Wait,
            AllowSynchronousContinuations = synchronousContinuations,
        });
    }

    /// <summary>Pushes <paramref name="datagram"/> to the sink, or queues a copy; false (dropped)
    /// when the queue is full or completed.</summary>
    public bool Deliver(ReadOnlySpan<byte> datagram)
    {
        var sink = _sink;
        if (sink is null)
        {
            lock (_gate)
            {
                sink = _sink;
                if (sink is null) return Enqueue(datagram);
            }
        }
        sink.OnDatagram(datagram);
        return true;
    }

    private bool Enqueue(ReadOnlySpan<byte> datagram)
    {
        var array = ArrayPool<byte>.Shared.Rent(Math.Max(datagram.Length, 1));
        datagram.CopyTo(array);
        if (_queued.Writer.TryWrite(new PooledDatagram(array, datagram.Length))) return true;
        ArrayPool<byte>.Shared.Return(array);
        return false;
    }

    /// <inheritdoc cref="IDatagramPushSource.TrySetSink"/>
    public bool TrySetSink(IDatagramSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        lock (_gate)
        {
            if (_sink is not null) return false;
            while (_queued.Reader.TryRead(out var datagram))
            {
                try
                {
                    sink.OnDatagram(datagram.Array.AsSpan(0, datagram.Length));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(datagram.Array);
                }
            }
            _sink = sink;
            return true;
        }
    }

    /// <inheritdoc cref="IDatagramPushSource.RemoveSink"/>
    public void RemoveSink(IDatagramSink sink)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_sink, sink)) _sink = null;
        }
    }

    /// <summary>Waits for the next queued datagram and copies it into <paramref name="buffer"/>
    /// (truncating, as UDP would). <see cref="ObjectDisposedException"/> once completed.</summary>
    public async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (!_queued.Reader.TryRead(out var datagram))
        {
            try
            {
                datagram = await _queued.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelClosedException)
            {
                throw new ObjectDisposedException(nameof(DatagramReceiveQueue));
            }
        }
        var n = Math.Min(datagram.Length, buffer.Length);
        datagram.Array.AsSpan(0, n).CopyTo(buffer.Span);
        ArrayPool<byte>.Shared.Return(datagram.Array);
        return n;
    }

    /// <summary>No more datagrams: a waiting and every later receive gets <see cref="ObjectDisposedException"/>.</summary>
    public void Complete() => _queued.Writer.TryComplete();

    private readonly record struct PooledDatagram(byte[] Array, int Length);
}
