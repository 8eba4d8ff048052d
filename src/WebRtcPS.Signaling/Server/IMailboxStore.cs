namespace WebRtcPS.Signaling.Server;

/// <summary>
/// Where accepted messages wait for their addressee: in this process (<see cref="MemoryMailboxStore"/>,
/// the default) or in Redis shared by several instances (<c>Redis/RedisMailboxStore</c>). README "Mailbox stores".
/// </summary>
internal interface IMailboxStore : IAsyncDisposable
{
    /// <summary>Stores <paramref name="message"/> for its addressee; anything but Queued means it was not stored.</summary>
    ValueTask<EnqueueResult> EnqueueAsync(QueuedMessage message);

    /// <summary>Serves one /receive stream until <paramref name="receiver"/> ends: takes the id over, drains, heartbeats, lets go.</summary>
    Task ReceiveAsync(Receiver receiver, Stream body);

    /// <summary>What /health reports; the in-memory store reports the router's own snapshot.</summary>
    Task<SignalingHealth> GetHealthAsync(DateTimeOffset startTime);
}
