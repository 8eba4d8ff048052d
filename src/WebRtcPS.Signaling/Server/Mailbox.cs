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
    private TaskCompletionSource? _waiter; // made only when a stream waits: a flood's enqueues allocate no signal
    private bool _woken;
    private long _bytes;
    private Receiver? _receiver;
    private bool _retired;

    public string Id { get; } = id;

    /// <summary>Held by the stream that is writing queued messages.</summary>
    public SemaphoreSlim DeliveryLock { get; } = new(1, 1);

    public DateTimeOffset LastActivity { get; private set; } = DateTimeOffset.UtcNow;

    public bool IsConnected { get { lock (_gate) return _receiver is not null; } }

    public (int Count, long Bytes) Depth { get { lock (_gate) return (_queue.Count, _bytes); } }

    /// <summary>
    /// Completes when a message is queued or <see cref="Wake"/> is called; already complete when
    /// one is queued or a wake came while nobody waited (so a wake between a stream's last check
    /// and its wait is not lost).
    /// </summary>
    public Task WhenArrival()
    {
        lock (_gate)
        {
            if (_queue.Count > 0 || _woken)
            {
                _woken = false;
                return Task.CompletedTask;
            }
            return (_waiter ??= NewSignal()).Task;
        }
    }

    /// <summary>Ends the current <see cref="WhenArrival"/> wait (a heartbeat is due, the stream ends).</summary>
    public void Wake()
    {
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            waiter = _waiter;
            _waiter = null;
            if (waiter is null) _woken = true;
        }
        waiter?.TrySetResult();
    }

    public EnqueueResult TryEnqueue(QueuedMessage message, int maxCount, long maxBytes)
    {
        TaskCompletionSource? signal;
        lock (_gate)
        {
            if (_retired) return EnqueueResult.Retired;
            if (_queue.Count >= maxCount || _bytes + message.Payload.Length > maxBytes) return EnqueueResult.QueueFull;
            if (!budget.TryReserve(message.Payload.Length, parked: _receiver is null)) return EnqueueResult.ServerFull;
            _queue.Enqueue(message);
            _bytes += message.Payload.Length;
            LastActivity = DateTimeOffset.UtcNow;
            signal = _waiter;
            _waiter = null;
        }
        signal?.TrySetResult();
        return EnqueueResult.Queued;
    }

    /// <summary>
    /// The oldest queued messages, in order, up to <paramref name="maxBytes"/> (at least one), into
    /// <paramref name="batch"/> (left in the queue until <see cref="Delivered"/>); false if none.
    /// </summary>
    public bool TryPeekBatch(List<QueuedMessage> batch, int maxBytes)
    {
        lock (_gate)
        {
            var bytes = 0;
            foreach (var message in _queue)
            {
                if (batch.Count > 0 && bytes + message.Payload.Length > maxBytes) break;
                batch.Add(message);
                bytes += message.Payload.Length;
            }
        }
        return batch.Count > 0;
    }

    /// <summary>Removes a batch from <see cref="TryPeekBatch"/> once it is on the wire (each only if still the head: a stream that replaced ours may have sent it).</summary>
    public void Delivered(List<QueuedMessage> batch)
    {
        lock (_gate)
        {
            foreach (var message in batch) Remove(message);
        }
    }

    private void Remove(QueuedMessage message)
    {
        if (_queue.TryPeek(out var head) && ReferenceEquals(head, message))
        {
            _queue.Dequeue();
            _bytes -= message.Payload.Length;
            budget.Release(message.Payload.Length, parked: _receiver is null);
            LastActivity = DateTimeOffset.UtcNow;
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
