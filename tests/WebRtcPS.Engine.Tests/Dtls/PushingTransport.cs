using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Engine.Tests.Dtls;

/// <summary>Test double of ICE's receive side: one pump reads the inner transport and delivers each
/// datagram through a <see cref="DatagramReceiveQueue"/>, which queues it or, once DTLS attached
/// itself, pushes it inline, as <c>IceTransport</c> does. Receives can be dropped by 1-based index,
/// the attach can be held (to fill the queue before a handover), and datagrams injected.</summary>
internal sealed class PushingTransport : IDatagramTransport, IDatagramPushSource
{
    private readonly IDatagramTransport _inner;
    private readonly DatagramReceiveQueue _queue = new(4096, synchronousContinuations: true);
    private readonly int[] _dropReceives;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;
    private long _delivered;

    public PushingTransport(IDatagramTransport inner, bool holdSink = false, params int[] dropReceives)
    {
        _inner = inner;
        _dropReceives = dropReceives;
        if (!holdSink) SinkAllowed.SetResult();
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>Completed when DTLS asked to attach; the attach waits for <see cref="SinkAllowed"/>.</summary>
    public TaskCompletionSource SinkRequested { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource SinkAllowed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Datagrams delivered to the queue or the sink so far (not dropped ones).</summary>
    public long Delivered => Interlocked.Read(ref _delivered);
    public int DroppedReceives { get; private set; }

    public int MaxDatagramSize => _inner.MaxDatagramSize;

    /// <summary>Delivers <paramref name="datagram"/> as if it had been received.</summary>
    public void Inject(byte[] datagram)
    {
        _queue.Deliver(datagram);
        Interlocked.Increment(ref _delivered);
    }

    private async Task PumpAsync()
    {
        var buffer = new byte[65536];
        var index = 0;
        try
        {
            while (true)
            {
                var n = await _inner.ReceiveAsync(buffer, _stop.Token).ConfigureAwait(false);
                if (Array.IndexOf(_dropReceives, ++index) >= 0)
                {
                    DroppedReceives++;
                    continue;
                }
                _queue.Deliver(buffer.AsSpan(0, n));
                Interlocked.Increment(ref _delivered);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            _queue.Complete();
        }
    }

    public bool TrySetSink(IDatagramSink sink)
    {
        SinkRequested.TrySetResult();
        SinkAllowed.Task.Wait();   // on the DTLS thread, as a slow handover would be
        return _queue.TrySetSink(sink);
    }

    public void RemoveSink(IDatagramSink sink) => _queue.RemoveSink(sink);

    public ValueTask SendAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken = default) =>
        _inner.SendAsync(datagram, cancellationToken);

    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _queue.ReceiveAsync(buffer, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        SinkAllowed.TrySetResult();
        _stop.Cancel();
        await _pump.ConfigureAwait(false);
        await _inner.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
