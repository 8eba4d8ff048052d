namespace WebRtcPS.Signaling.Server.Redis;

/// <summary>A /receive stream of this instance, as the Redis store knows it: its fencing token and its wake-up signal.</summary>
internal sealed class RedisLocalStream(Receiver receiver)
{
    private readonly object _gate = new();
    private TaskCompletionSource _arrival = NewSignal();

    public Receiver Receiver { get; } = receiver;

    /// <summary>The id's fencing token this stream holds; 0 until Redis gave it one.</summary>
    public long Token { get; set; }

    /// <summary>Completes on the next wake-up. Take it before claiming, so no publication is missed.</summary>
    public Task Arrival { get { lock (_gate) return _arrival.Task; } }

    public void Wake()
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            signal = _arrival;
            _arrival = NewSignal();
        }
        signal.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
