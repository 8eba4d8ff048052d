namespace WebRtcPS.Signaling.Server;

/// <summary>The in-process store: <see cref="SignalingRouter"/>'s mailboxes, one <see cref="Mailbox"/> per id.</summary>
internal sealed class MemoryMailboxStore(SignalingRouter router, SignalingServerOptions options) : IMailboxStore
{
    public ValueTask<EnqueueResult> EnqueueAsync(QueuedMessage message) => ValueTask.FromResult(router.Enqueue(message));

    public async Task ReceiveAsync(Receiver receiver, Stream body)
    {
        var mailbox = router.Attach(receiver);
        try
        {
            await StreamAsync(body, mailbox, receiver);
        }
        finally
        {
            router.Detach(mailbox, receiver);
        }
    }

    private async Task StreamAsync(Stream body, Mailbox mailbox, Receiver receiver)
    {
        var heartbeat = new Heartbeat(router, options.HeartbeatInterval);
        while (!receiver.Ended.IsCancellationRequested)
        {
            var arrival = mailbox.Arrival; // before draining: an enqueue during the drain still wakes us
            await mailbox.DeliveryLock.WaitAsync(receiver.Ended);
            try
            {
                while (!receiver.Ended.IsCancellationRequested && mailbox.TryPeek(out var message))
                {
                    await body.WriteAsync(message.Payload, receiver.ClientGone);
                    await body.FlushAsync(receiver.ClientGone);
                    mailbox.Delivered(message);
                    router.OnDelivered(message);
                }
            }
            finally
            {
                mailbox.DeliveryLock.Release();
            }
            if (await heartbeat.SendIfDueAsync(body, receiver)) continue;
            await heartbeat.WaitAsync(arrival, receiver, TimeSpan.MaxValue);
        }
    }

    public Task<SignalingHealth> GetHealthAsync(DateTimeOffset startTime) => Task.FromResult(router.GetHealth(startTime));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
