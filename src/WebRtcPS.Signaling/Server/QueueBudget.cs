namespace WebRtcPS.Signaling.Server;

/// <summary>
/// The bytes queued over all mailboxes, against <see cref="SignalingServerOptions.MaxQueuedBytes"/>.
/// "Parked" bytes wait for an id nobody is reading; they may use at most half of the total, so
/// an attacker posting to invented ids cannot starve the peers that are connected.
/// Mailboxes update it under their own lock; the counters themselves are lock-free.
/// </summary>
internal sealed class QueueBudget(long maxBytes)
{
    private long _total;
    private long _parked;

    public long MaxBytes { get; } = maxBytes;
    public long MaxParkedBytes => MaxBytes / 2;
    public long Total => Interlocked.Read(ref _total);
    public long Parked => Interlocked.Read(ref _parked);

    /// <summary>Reserves <paramref name="bytes"/>; false (nothing reserved) when a limit would be passed.</summary>
    public bool TryReserve(long bytes, bool parked)
    {
        if (Interlocked.Add(ref _total, bytes) > MaxBytes)
        {
            Interlocked.Add(ref _total, -bytes);
            return false;
        }
        if (parked && Interlocked.Add(ref _parked, bytes) > MaxParkedBytes)
        {
            Interlocked.Add(ref _parked, -bytes);
            Interlocked.Add(ref _total, -bytes);
            return false;
        }
        return true;
    }

    /// <summary>Gives back bytes that left a queue.</summary>
    public void Release(long bytes, bool parked)
    {
        Interlocked.Add(ref _total, -bytes);
        if (parked) Interlocked.Add(ref _parked, -bytes);
    }

    /// <summary>A mailbox's queued bytes became parked (its reader left) or stopped being parked (a reader came).</summary>
    public void Repark(long bytes, bool parked) => Interlocked.Add(ref _parked, parked ? bytes : -bytes);
}
