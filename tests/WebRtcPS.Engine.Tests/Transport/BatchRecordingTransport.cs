using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Engine.Tests.Transport;

/// <summary>Passes everything to <paramref name="inner"/> and records the size of every batch
/// handed down (and counts single sends), so a test can see that a layer batches.</summary>
internal sealed class BatchRecordingTransport(IDatagramTransport inner) : IDatagramTransport
{
    private readonly List<int> _batches = [];
    private int _singles;

    public int MaxDatagramSize => inner.MaxDatagramSize;
    public int SingleSends => Volatile.Read(ref _singles);

    public int[] Batches
    {
        get
        {
            lock (_batches) return [.. _batches];
        }
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _singles);
        return inner.SendAsync(datagram, cancellationToken);
    }

    public async ValueTask SendBatchAsync(DatagramBatch batch, CancellationToken cancellationToken = default)
    {
        lock (_batches) _batches.Add(batch.Count);
        for (var i = 0; i < batch.Count; i++) await inner.SendAsync(batch[i], cancellationToken);
    }

    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.ReceiveAsync(buffer, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
