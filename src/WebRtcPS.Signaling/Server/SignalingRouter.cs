using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace WebRtcPS.Signaling.Server;

/// <summary>
/// The mailboxes of every peer id, their limits and expiry, and the server's counters.
/// Thread-safe: /send and /receive requests run concurrently on Kestrel's threads.
/// </summary>
internal sealed class SignalingRouter : IDisposable
{
    private readonly ConcurrentDictionary<string, Mailbox> _mailboxes = new(StringComparer.Ordinal);
    private readonly SignalingServerOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ITimer _sweeper;
    private readonly QueueBudget _budget;
    private int _ids; // _mailboxes.Count without taking every lock of the dictionary
    private readonly LogThrottle _serverFullLog;
    private readonly LogThrottle _tooManyIdsLog;

    private long _accepted, _delivered, _refused, _expired, _badRequests, _opened, _replaced, _heartbeats, _unauthorized, _rateLimited;

    public SignalingRouter(SignalingServerOptions options, ILogger logger, TimeProvider time)
    {
        _options = options;
        _logger = logger;
        _time = time;
        _budget = new QueueBudget(options.MaxQueuedBytes);
        _serverFullLog = new LogThrottle(time);
        _tooManyIdsLog = new LogThrottle(time);
        var period = TimeSpan.FromTicks(Math.Clamp(options.QueuedMessageLifetime.Ticks / 4, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromSeconds(30).Ticks));
        _sweeper = time.CreateTimer(_ => Sweep(), null, period, period);
    }

    public DateTimeOffset Now => _time.GetUtcNow();

    public EnqueueResult Enqueue(QueuedMessage message)
    {
        while (true)
        {
            var mailbox = GetOrCreate(message.To, limited: true);
            if (mailbox is null)
            {
                Interlocked.Increment(ref _refused);
                if (_tooManyIdsLog.ShouldLog(out var skipped))
                    SignalingLog.TooManyIds(_logger, message.To, _options.MaxIds, message.Type, message.From, skipped);
                return EnqueueResult.TooManyIds;
            }
            var result = mailbox.TryEnqueue(message, _options.MaxQueuedMessagesPerId, _options.MaxQueuedBytesPerId);
            switch (result)
            {
                case EnqueueResult.Retired:
                    Remove(mailbox);
                    continue;
                case EnqueueResult.ServerFull:
                    // A refused message must not leave an empty mailbox behind: invented ids would fill MaxIds.
                    if (mailbox.TryRetire(DateTimeOffset.MaxValue)) Remove(mailbox);
                    Interlocked.Increment(ref _refused);
                    if (_serverFullLog.ShouldLog(out var suppressed))
                        SignalingLog.ServerFull(_logger, _budget.Total, _budget.Parked, message.Type, message.From, message.To, suppressed);
                    return result;
                case EnqueueResult.QueueFull:
                    Interlocked.Increment(ref _refused);
                    var (count, bytes) = mailbox.Depth;
                    SignalingLog.QueueFull(_logger, message.To, count, bytes, message.Type, message.From);
                    return result;
                default:
                    Interlocked.Increment(ref _accepted);
                    if (_logger.IsEnabled(LogLevel.Information)) // IsConnected takes the mailbox's lock: only for a log that is written
                        SignalingLog.Routed(_logger, message.Type, message.From, message.To, message.Payload.Length,
                            mailbox.IsConnected ? "" : " (queued: not connected)");
                    return result;
            }
        }
    }

    /// <summary>Opens the mailbox of <paramref name="receiver"/>'s id for it, ending any older stream.</summary>
    public Mailbox Attach(Receiver receiver)
    {
        while (true)
        {
            var mailbox = GetOrCreate(receiver.Id, limited: false)!;
            if (!mailbox.TryAttach(receiver, out var replaced))
            {
                Remove(mailbox);
                continue;
            }
            Interlocked.Increment(ref _opened);
            if (replaced is not null) Interlocked.Increment(ref _replaced);
            return mailbox;
        }
    }

    /// <summary>Ends <paramref name="receiver"/>'s hold on <paramref name="mailbox"/>; an empty mailbox left unread is forgotten at once.</summary>
    public void Detach(Mailbox mailbox, Receiver receiver)
    {
        mailbox.Detach(receiver);
        if (mailbox.TryRetire(DateTimeOffset.MaxValue)) Remove(mailbox);
    }

    public void OnDelivered(QueuedMessage message)
    {
        Interlocked.Increment(ref _delivered);
        if (_logger.IsEnabled(LogLevel.Debug))
            SignalingLog.Delivered(_logger, message.Type, message.From, message.To, (Now - message.AcceptedAt).TotalMilliseconds);
    }

    // Counters for a store that keeps its queues elsewhere (Redis/RedisMailboxStore).
    public void OnAccepted() => Interlocked.Increment(ref _accepted);
    public void OnRefused() => Interlocked.Increment(ref _refused);
    public void OnExpired() => Interlocked.Increment(ref _expired);
    public void OnOpened() => Interlocked.Increment(ref _opened);
    public void OnReplaced() => Interlocked.Increment(ref _replaced);

    public void OnHeartbeat() => Interlocked.Increment(ref _heartbeats);

    public void OnBadRequest() => Interlocked.Increment(ref _badRequests);

    /// <summary>A request refused with 401 or 403 (token, id or origin).</summary>
    public void OnUnauthorized() => Interlocked.Increment(ref _unauthorized);

    public void OnRateLimited() => Interlocked.Increment(ref _rateLimited);

    public SignalingHealth GetHealth(DateTimeOffset startTime)
    {
        var connected = new List<string>();
        var queues = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int messages = 0;
        long bytes = 0;
        foreach (var (id, mailbox) in _mailboxes)
        {
            if (mailbox.IsConnected) connected.Add(id);
            var (count, size) = mailbox.Depth;
            if (count > 0) queues[id] = count;
            messages += count;
            bytes += size;
        }
        connected.Sort(StringComparer.Ordinal);
        return new SignalingHealth
        {
            StartTime = startTime,
            UptimeSeconds = Math.Round((Now - startTime).TotalSeconds, 3),
            ConnectedIds = connected,
            QueuedMessages = messages,
            QueuedBytes = bytes,
            Ids = Volatile.Read(ref _ids),
            Queues = queues,
            Counts = new SignalingCounts
            {
                MessagesAccepted = Interlocked.Read(ref _accepted),
                MessagesDelivered = Interlocked.Read(ref _delivered),
                MessagesRefused = Interlocked.Read(ref _refused),
                MessagesExpired = Interlocked.Read(ref _expired),
                BadRequests = Interlocked.Read(ref _badRequests),
                StreamsOpened = Interlocked.Read(ref _opened),
                StreamsReplaced = Interlocked.Read(ref _replaced),
                HeartbeatsSent = Interlocked.Read(ref _heartbeats),
                Unauthorized = Interlocked.Read(ref _unauthorized),
                RateLimited = Interlocked.Read(ref _rateLimited),
            },
        };
    }

    /// <summary>Expires uncollected messages and forgets idle empty mailboxes.</summary>
    internal void Sweep()
    {
        var cutoff = Now - _options.QueuedMessageLifetime;
        foreach (var (id, mailbox) in _mailboxes)
        {
            foreach (var m in mailbox.ExpireBefore(cutoff))
            {
                Interlocked.Increment(ref _expired);
                SignalingLog.Expired(_logger, m.Type, m.From, m.To, _options.QueuedMessageLifetime);
            }
            if (mailbox.TryRetire(cutoff)) Remove(mailbox);
        }
    }

    /// <summary>
    /// The mailbox of <paramref name="id"/>, made if missing; null when <paramref name="limited"/>
    /// (a /send) and <see cref="SignalingServerOptions.MaxIds"/> are already held. /receive is not
    /// limited here: each stream holds a connection, and connections have their own limit.
    /// </summary>
    private Mailbox? GetOrCreate(string id, bool limited)
    {
        while (true)
        {
            if (_mailboxes.TryGetValue(id, out var existing)) return existing;
            if (limited && Volatile.Read(ref _ids) >= _options.MaxIds) return null;
            var created = new Mailbox(id, _budget);
            if (_mailboxes.TryAdd(id, created))
            {
                Interlocked.Increment(ref _ids);
                return created;
            }
        }
    }

    private void Remove(Mailbox mailbox)
    {
        if (_mailboxes.TryRemove(new KeyValuePair<string, Mailbox>(mailbox.Id, mailbox))) Interlocked.Decrement(ref _ids);
    }

    public void Dispose() => _sweeper.Dispose();
}
