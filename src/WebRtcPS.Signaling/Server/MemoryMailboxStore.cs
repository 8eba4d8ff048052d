using System.Buffers;

namespace WebRtcPS.Signaling.Server;

/// <summary>The in-process store: <see cref="SignalingRouter"/>'s mailboxes, one <see cref="Mailbox"/> per id.</summary>
internal sealed class MemoryMailboxStore(SignalingRouter router, SignalingServerOptions options) : IMailboxStore
{
    /// <summary>What one write on a stream carries at most (one message always goes, whatever its size).</summary>
    private const int MaxBatchBytes = 64 * 1024;

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

    /// <summary>
    /// Drains the mailbox onto the stream: everything queued goes in one write and one flush
    /// (under a flood a stream wakes to several messages), and leaves the queue after the flush.
    /// A stream waits on the mailbox alone; its heartbeat timer and its end wake that wait, set
    /// up once per stream rather than per wait (a timer and a linked token per message cost more
    /// than the message).
    /// </summary>
    private async Task StreamAsync(Stream body, Mailbox mailbox, Receiver receiver)
    {
        var heartbeat = new Heartbeat(router, options.HeartbeatInterval);
        using var timer = new HeartbeatTimer(mailbox);
        using var ended = receiver.Ended.UnsafeRegister(static m => ((Mailbox)m!).Wake(), mailbox);
        var batch = new List<QueuedMessage>();
        while (!receiver.Ended.IsCancellationRequested)
        {
            await mailbox.DeliveryLock.WaitAsync(receiver.Ended);
            try
            {
                while (!receiver.Ended.IsCancellationRequested && mailbox.TryPeekBatch(batch, MaxBatchBytes))
                {
                    await WriteAsync(body, batch, receiver.ClientGone);
                    mailbox.Delivered(batch);
                    foreach (var message in batch) router.OnDelivered(message);
                    batch.Clear();
                }
            }
            finally
            {
                batch.Clear();
                mailbox.DeliveryLock.Release();
            }
            if (await heartbeat.SendIfDueAsync(body, receiver)) continue;
            timer.ArmIfIdle(heartbeat.DueIn);
            await mailbox.WhenArrival();
        }
    }

    private static async Task WriteAsync(Stream body, List<QueuedMessage> batch, CancellationToken clientGone)
    {
        if (batch.Count == 1)
        {
            await body.WriteAsync(batch[0].Payload, clientGone);
        }
        else
        {
            var length = 0;
            foreach (var message in batch) length += message.Payload.Length;
            var buffer = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                var at = 0;
                foreach (var message in batch)
                {
                    message.Payload.CopyTo(buffer, at);
                    at += message.Payload.Length;
                }
                await body.WriteAsync(buffer.AsMemory(0, length), clientGone);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        await body.FlushAsync(clientGone);
    }

    /// <summary>
    /// One timer per stream that wakes its mailbox when the next heartbeat is due. Armed again only
    /// after it fired (once per heartbeat interval), not on every wait.
    /// </summary>
    private sealed class HeartbeatTimer : IDisposable
    {
        private readonly Mailbox _mailbox;
        private readonly Timer _timer;
        private int _armed;

        public HeartbeatTimer(Mailbox mailbox)
        {
            _mailbox = mailbox;
            _timer = new Timer(static s => ((HeartbeatTimer)s!).Fire(), this, Timeout.Infinite, Timeout.Infinite);
        }

        public void ArmIfIdle(TimeSpan dueIn)
        {
            if (Interlocked.Exchange(ref _armed, 1) != 0) return;
            // A millisecond late rather than early: the timer's clock is not the one the heartbeat reads.
            _timer.Change(dueIn < TimeSpan.Zero ? TimeSpan.Zero : dueIn + TimeSpan.FromMilliseconds(1), Timeout.InfiniteTimeSpan);
        }

        private void Fire()
        {
            Volatile.Write(ref _armed, 0);
            _mailbox.Wake();
        }

        public void Dispose() => _timer.Dispose();
    }

    public Task<SignalingHealth> GetHealthAsync(DateTimeOffset startTime) => Task.FromResult(router.GetHealth(startTime));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
