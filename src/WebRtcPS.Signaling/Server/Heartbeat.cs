namespace WebRtcPS.Signaling.Server;

/// <summary>The <c>{"type":"heartbeat"}</c> schedule of one /receive stream, shared by the stores.</summary>
internal sealed class Heartbeat(SignalingRouter router, TimeSpan interval)
{
    private static readonly byte[] Payload = "{\"type\":\"heartbeat\"}\n"u8.ToArray();
    private DateTimeOffset _next = router.Now + interval;

    /// <summary>How long until the next heartbeat is due (negative: overdue).</summary>
    public TimeSpan DueIn => _next - router.Now;

    /// <summary>Writes a heartbeat when one is due; true if it did.</summary>
    public async Task<bool> SendIfDueAsync(Stream body, Receiver receiver)
    {
        if (_next - router.Now > TimeSpan.Zero) return false;
        await body.WriteAsync(Payload, receiver.ClientGone);
        await body.FlushAsync(receiver.ClientGone);
        router.OnHeartbeat();
        _next += interval;
        if (_next < router.Now) _next = router.Now + interval;
        return true;
    }

    /// <summary>Waits for <paramref name="arrival"/>, the next heartbeat, <paramref name="atMost"/>, or the stream's end.</summary>
    public async Task WaitAsync(Task arrival, Receiver receiver, TimeSpan atMost)
    {
        var wait = _next - router.Now;
        if (wait > atMost) wait = atMost;
        if (wait <= TimeSpan.Zero) return;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(receiver.Ended);
        await Task.WhenAny(arrival, Task.Delay(wait, cts.Token));
        cts.Cancel(); // release the timer now, not when it would have fired
    }
}
