namespace WebRtcPS.Signaling.Server;

/// <summary>
/// What became of a /send. Unavailable: the shared store (Redis) could not be reached, nothing was
/// stored; Unknown: the store got the command but did not answer in time, so it may have stored it.
/// </summary>
internal enum EnqueueResult { Queued, QueueFull, Retired, ServerFull, TooManyIds, Unavailable, Unknown }

/// <summary>
/// The messages waiting for one peer id, and the /receive stream (if any) that drains them.
/// A message leaves the queue only after it was written and flushed to a stream, so a client
/// that drops mid-stream loses nothing; one <see cref="DeliveryLock"/> per id means two streams
/// for the same id never deliver the same message.
/// </summary>
internal sealed class Mailbox(string id, QueueBudget budget)
{
    private readonly object _gate = new();
    private readonly Queue<QueuedMessage> _queue = new();
    private TaskCompletionSource _arrival = NewSignal();
    private long _bytes;
    private Receiver? _receiver;
    private bool _retired;

    public string Id { get; } = id;

    /// <summary>Held by the stream that is writing queued messages.</summary>
    public SemaphoreSlim DeliveryLock { get; } = new(1, 1);

    public DateTimeOffset LastActivity { get; private set; } = DateTimeOffset.UtcNow;

    public bool IsConnected { get { lock (_gate) return _receiver is not null; } }

    public (int Count, long Bytes) Depth { get { lock (_gate) return (_queue.Count, _bytes); } }

    /// <summary>Completes on the next enqueue. Take it before draining, so no arrival is missed.</summary>
    public Task Arrival { get { lock (_gate) return _arrival.Task; } }

    public EnqueueResult TryEnqueue(QueuedMessage message, int maxCount, long maxBytes)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            if (_retired) return EnqueueResult.Retired;
            if (_queue.Count >= maxCount || _bytes + message.Payload.Length > maxBytes) return EnqueueResult.QueueFull;
            if (!budget.TryReserve(message.Payload.Length, parked: _receiver is null)) return EnqueueResult.ServerFull;
            _queue.Enqueue(message);
            _bytes += message.Payload.Length;
            LastActivity = DateTimeOffset.UtcNow;
            signal = _arrival;
            _arrival = NewSignal();
        }
        signal.TrySetResult();
        return EnqueueResult.Queued;
    }

    public bool TryPeek(out QueuedMessage message)
    {
        lock (_gate) return _queue.TryPeek(out message!);
    }

    /// <summary>Removes <paramref name="message"/> once it is on the wire.</summary>
    public void Delivered(QueuedMessage message)
    {
        lock (_gate)
        {
            if (_queue.TryPeek(out var head) && ReferenceEquals(head, message))
            {
                _queue.Dequeue();
                _bytes -= message.Payload.Length;
                budget.Release(message.Payload.Length, parked: _receiver is null);
                LastActivity = DateTimeOffset.UtcNow;
            }
        }
    }

    /// <summary>Makes <paramref name="receiver"/> the id's stream; the one it replaces is told to end.</summary>
    public bool TryAttach(Receiver receiver, out Receiver? replaced)
    {
        lock (_gate)
        {
            replaced = null;
            if (_retired) return false;
            replaced = _receiver;
            _receiver = receiver;
            if (replaced is null) budget.Repark(_bytes, parked: false);
            LastActivity = DateTimeOffset.UtcNow;
        }
        replaced?.Replace();
        return true;
    }

    public void Detach(Receiver receiver)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_receiver, receiver))
            {
                _receiver = null;
                budget.Repark(_bytes, parked: true);
            }
            LastActivity = DateTimeOffset.UtcNow;
        }
    }

    /// <summary>Drops messages accepted before <paramref name="cutoff"/> while nobody is reading them.</summary>
    public List<QueuedMessage> ExpireBefore(DateTimeOffset cutoff)
    {
        var expired = new List<QueuedMessage>();
        lock (_gate)
        {
            if (_receiver is not null) return expired;
            while (_queue.TryPeek(out var head) && head.AcceptedAt < cutoff)
            {
                expired.Add(_queue.Dequeue());
                _bytes -= head.Payload.Length;
                budget.Release(head.Payload.Length, parked: true);
            }
        }
        return expired;
    }

    /// <summary>Retires an empty, unread mailbox idle since <paramref name="idleSince"/>; callers then make a new one.</summary>
    public bool TryRetire(DateTimeOffset idleSince)
    {
        lock (_gate)
        {
            if (_receiver is not null || _queue.Count > 0 || LastActivity > idleSince) return false;
            _retired = true;
            return true;
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
