using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace WebRtcPS.Signaling.Server.Redis;

/// <summary>
/// Mailboxes in Redis, shared by every server instance pointed at it (README "Mailbox stores"):
/// a stream per id, fencing tokens for takeover, claim → write → acknowledge → release for
/// exactly-once delivery, pub/sub to wake streams. Counters stay per instance (<see cref="SignalingRouter"/>).
/// </summary>
internal sealed class RedisMailboxStore : IMailboxStore
{
    private const string Prefix = "wrtc:";
    private const int Batch = 64;
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);   // wake-ups lost with a connection cost at most this
    private static readonly TimeSpan LockWait = TimeSpan.FromMilliseconds(50); // a crashed writer's lease, or a missed release
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(5);

    private readonly SignalingRouter _router;
    private readonly SignalingServerOptions _options;
    private readonly ILogger _logger;
    private readonly ConnectionMultiplexer _redis;
    private readonly IDatabase _db;
    private readonly RedisChannel _channel = RedisChannel.Literal(Prefix + "events");
    private readonly ConcurrentDictionary<string, RedisLocalStream> _local = new(StringComparer.Ordinal);
    private readonly ITimer _sweeper;
    private readonly LogThrottle _unavailableLog;
    private readonly string _endpoint;
    private readonly long _ownerTtlMs;
    private string? _lastError;
    private int _sweeping;

    private RedisMailboxStore(ConnectionMultiplexer redis, string endpoint, SignalingRouter router, SignalingServerOptions options, ILogger logger, TimeProvider time)
    {
        _redis = redis;
        _db = redis.GetDatabase();
        _endpoint = endpoint;
        _router = router;
        _options = options;
        _logger = logger;
        _unavailableLog = new LogThrottle(time);
        _ownerTtlMs = (long)Math.Max(3 * options.HeartbeatInterval.TotalMilliseconds, 3 * Poll.TotalMilliseconds);
        redis.ConnectionFailed += (_, e) =>
        {
            _lastError = e.Exception?.Message ?? e.FailureType.ToString();
            SignalingLog.RedisLost(_logger, _endpoint, _lastError);
        };
        redis.ConnectionRestored += (_, _) =>
        {
            SignalingLog.RedisRestored(_logger, _endpoint);
            foreach (var stream in _local.Values) stream.Wake(); // publications made while away are lost
        };
        var period = TimeSpan.FromTicks(Math.Clamp(options.QueuedMessageLifetime.Ticks / 4, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromSeconds(30).Ticks));
        _sweeper = time.CreateTimer(_ => _ = SweepAsync(), null, period, period);
    }

    public bool IsConnected => _redis.IsConnected;

    /// <summary>Connects (or keeps trying in the background: the server starts without Redis) and subscribes to the wake-ups.</summary>
    public static async Task<RedisMailboxStore> ConnectAsync(SignalingServerOptions options, SignalingRouter router, ILogger logger, TimeProvider time)
    {
        var configuration = RedisConfiguration.Parse(options.Redis!);
        var endpoint = RedisConfiguration.Describe(configuration);
        var redis = await ConnectionMultiplexer.ConnectAsync(configuration);
        var store = new RedisMailboxStore(redis, endpoint, router, options, logger, time);
        // Re-subscribed by the client after a reconnection; until the first subscription holds,
        // streams still find their messages by polling.
        await store.SubscribeAsync();
        SignalingLog.RedisStore(logger, endpoint, redis.IsConnected ? "connected" : "not reachable yet");
        return store;
    }

    /// <summary>Subscribes to the wake-ups, retrying in the background while Redis is not reachable (the server starts anyway).</summary>
    private async Task SubscribeAsync()
    {
        try
        {
            await _redis.GetSubscriber().SubscribeAsync(_channel, (_, message) => OnEvent(message));
        }
        catch (ObjectDisposedException)
        {
            // the server stopped
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            _lastError = e.Message;
            _ = Task.Delay(500).ContinueWith(_ => SubscribeAsync(), TaskScheduler.Default).Unwrap();
        }
    }

    public async ValueTask<EnqueueResult> EnqueueAsync(QueuedMessage message)
    {
        var result = EnqueueResult.Unavailable;
        if (_redis.IsConnected)
        {
            try
            {
                var id = message.To;
                var code = (int)await _db.ScriptEvaluateAsync(RedisScripts.Enqueue,
                    [Prefix + "q:" + id, Prefix + "b:" + id, Prefix + "total", Prefix + "ids", Prefix + "owner:" + id, Prefix + "p:" + id, Prefix + "parked"],
                    [message.Payload, message.AcceptedAt.ToUnixTimeMilliseconds(), message.Type, message.From,
                     _options.MaxQueuedMessagesPerId, _options.MaxQueuedBytesPerId, _options.MaxQueuedBytes, _options.MaxIds,
                     id, message.Payload.Length, _channel.ToString()]);
                result = code switch
                {
                    RedisScripts.Queued => EnqueueResult.Queued,
                    RedisScripts.QueueFull => EnqueueResult.QueueFull,
                    RedisScripts.ServerFull => EnqueueResult.ServerFull,
                    _ => EnqueueResult.TooManyIds,
                };
            }
            catch (RedisTimeoutException e) when (e.Commandstatus is not (CommandStatus.WaitingToBeSent or CommandStatus.WaitingInBacklog))
            {
                // The script may have been sent: Redis may run it after we stopped waiting (bench/signaling saw it under heavy load).
                _lastError = e.Message;
                result = EnqueueResult.Unknown;
            }
            catch (Exception e) when (IsRedisFailure(e))
            {
                _lastError = e.Message;
            }
        }
        if (result == EnqueueResult.Queued)
        {
            _router.OnAccepted();
            SignalingLog.Routed(_logger, message.Type, message.From, message.To, message.Payload.Length, _local.ContainsKey(message.To) ? "" : " (queued in Redis)");
        }
        else
        {
            _router.OnRefused();
            if (result is EnqueueResult.Unavailable or EnqueueResult.Unknown && _unavailableLog.ShouldLog(out var suppressed))
                SignalingLog.RedisUnavailable(_logger, message.Type, message.From, message.To, _endpoint, _lastError ?? "not connected", suppressed);
        }
        return result;
    }

    public async Task ReceiveAsync(Receiver receiver, Stream body)
    {
        var heartbeat = new Heartbeat(_router, _options.HeartbeatInterval);
        var local = new RedisLocalStream(receiver);
        var id = receiver.Id;
        try
        {
            while (!receiver.Ended.IsCancellationRequested)
            {
                var arrival = local.Arrival; // before claiming: a publication during the drain still wakes us
                var wait = Poll;
                try
                {
                    if (local.Token == 0) await AttachAsync(local);
                    switch (await DrainAsync(body, local))
                    {
                        case Drain.More: continue;
                        case Drain.Locked: wait = LockWait; break;
                    }
                }
                catch (Exception e) when (IsRedisFailure(e))
                {
                    _lastError = e.Message; // keep the stream open on heartbeats; retry on the next turn
                }
                if (await heartbeat.SendIfDueAsync(body, receiver)) continue;
                await heartbeat.WaitAsync(arrival, receiver, wait);
            }
        }
        finally
        {
            _local.TryRemove(new KeyValuePair<string, RedisLocalStream>(id, local));
            if (receiver.WasReplaced) _router.OnReplaced();
            if (local.Token != 0)
            {
                try
                {
                    await _db.ScriptEvaluateAsync(RedisScripts.Detach,
                        [Prefix + "owner:" + id, Prefix + "lock:" + id, Prefix + "b:" + id, Prefix + "p:" + id, Prefix + "parked"],
                        [local.Token, _channel.ToString(), id]);
                }
                catch (Exception e) when (IsRedisFailure(e))
                {
                    // the owner key expires by itself, the lease too
                }
            }
        }
    }

    private async Task AttachAsync(RedisLocalStream local)
    {
        var id = local.Receiver.Id;
        var token = (long)await _db.ScriptEvaluateAsync(RedisScripts.Attach,
            [Prefix + "fence:" + id, Prefix + "owner:" + id, Prefix + "b:" + id, Prefix + "p:" + id, Prefix + "parked"],
            [_ownerTtlMs, _channel.ToString(), id]);
        local.Token = token;
        _router.OnOpened();
        // A stream of this instance with an older token ends at once (other instances learn it from the publication).
        _local.AddOrUpdate(id, local, (_, existing) =>
        {
            if (existing.Token < token)
            {
                existing.Receiver.Replace();
                return local;
            }
            local.Receiver.Replace(); // an even newer one came first
            return existing;
        });
    }

    private enum Drain { Done, More, Locked, Replaced }

    /// <summary>Claims the oldest entries, writes each and acknowledges it once flushed, then releases the id's lock.</summary>
    private async Task<Drain> DrainAsync(Stream body, RedisLocalStream local)
    {
        var receiver = local.Receiver;
        var id = receiver.Id;
        RedisKey owner = Prefix + "owner:" + id, lockKey = Prefix + "lock:" + id, queue = Prefix + "q:" + id;
        var claimed = await _db.ScriptEvaluateAsync(RedisScripts.Claim,
            [owner, lockKey, queue, Prefix + "fence:" + id, Prefix + "b:" + id, Prefix + "p:" + id, Prefix + "parked"],
            [local.Token, (long)Lease.TotalMilliseconds, Batch, _ownerTtlMs]);
        if (claimed.Resp2Type == ResultType.Integer)
        {
            if ((long)claimed == -1)
            {
                receiver.Replace(); // a newer /receive for this id, somewhere
                return Drain.Replaced;
            }
            return Drain.Locked;
        }
        var entries = (RedisResult[])claimed!;
        if (entries.Length == 0) return Drain.Done;
        var written = 0;
        try
        {
            foreach (var entry in entries)
            {
                if (receiver.Ended.IsCancellationRequested) break;
                var message = ToMessage(id, entry, out var entryId);
                await body.WriteAsync(message.Payload, receiver.ClientGone);
                await body.FlushAsync(receiver.ClientGone);
                await _db.ScriptEvaluateAsync(RedisScripts.Ack,
                    [queue, Prefix + "b:" + id, Prefix + "total", Prefix + "ids", lockKey, owner, Prefix + "p:" + id, Prefix + "parked"],
                    [entryId, message.Payload.Length, id, local.Token, (long)Lease.TotalMilliseconds]);
                _router.OnDelivered(message);
                written++;
            }
        }
        finally
        {
            await _db.ScriptEvaluateAsync(RedisScripts.Release, [lockKey], [local.Token, _channel.ToString(), id]);
        }
        return written == Batch ? Drain.More : Drain.Done;
    }

    private static QueuedMessage ToMessage(string id, RedisResult entry, out RedisValue entryId)
    {
        var parts = (RedisResult[])entry!;
        entryId = (RedisValue)parts[0];
        var fields = (RedisResult[])parts[1]!;
        byte[] payload = [];
        string type = "", from = "";
        long acceptedMs = 0;
        for (var i = 0; i + 1 < fields.Length; i += 2)
        {
            switch ((string?)fields[i])
            {
                case "p": payload = (byte[])fields[i + 1]!; break;
                case "a": acceptedMs = (long)fields[i + 1]; break;
                case "t": type = (string)fields[i + 1]!; break;
                case "f": from = (string)fields[i + 1]!; break;
            }
        }
        return new QueuedMessage(type, from, id, payload, DateTimeOffset.FromUnixTimeMilliseconds(acceptedMs));
    }

    /// <summary>Publications: <c>w {id}</c> wakes the id's stream here; <c>t {id} {token}</c> ends an older one.</summary>
    private void OnEvent(RedisValue message)
    {
        var text = (string?)message;
        if (text is null || text.Length < 3) return;
        if (text[0] == 'w')
        {
            if (_local.TryGetValue(text[2..], out var stream)) stream.Wake();
        }
        else if (text[0] == 't')
        {
            var space = text.LastIndexOf(' ');
            if (space <= 2 || !long.TryParse(text.AsSpan(space + 1), out var token)) return;
            var id = text[2..space];
            if (_local.TryGetValue(id, out var stream) && stream.Token != 0 && stream.Token < token) stream.Receiver.Replace();
        }
    }

    public async Task<SignalingHealth> GetHealthAsync(DateTimeOffset startTime)
    {
        var health = _router.GetHealth(startTime);
        var connected = _local.Keys.ToList();
        connected.Sort(StringComparer.Ordinal);
        health = health with { ConnectedIds = connected };
        try
        {
            if (!_redis.IsConnected) return Degraded(health, _lastError ?? "not connected");
            var depth = (RedisResult[])(await _db.ScriptEvaluateAsync(RedisScripts.Depth, [Prefix + "ids", Prefix + "total"], [Prefix]))!;
            var queues = new SortedDictionary<string, int>(StringComparer.Ordinal);
            for (var i = 3; i + 1 < depth.Length; i += 2)
                if ((int)depth[i + 1] > 0) queues[(string)depth[i]!] = (int)depth[i + 1];
            return health with
            {
                Ids = (int)depth[0], QueuedBytes = (long)depth[1], QueuedMessages = (int)depth[2], Queues = queues,
                Redis = new SignalingRedisHealth { Connected = true, Endpoint = _endpoint },
            };
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            return Degraded(health, e.Message);
        }
    }

    private SignalingHealth Degraded(SignalingHealth health, string error) => health with
    {
        Status = "degraded", Ids = 0, QueuedBytes = 0, QueuedMessages = 0, Queues = new Dictionary<string, int>(),
        Redis = new SignalingRedisHealth { Connected = false, Endpoint = _endpoint, Error = error },
    };

    /// <summary>Drops what nobody collected within the lifetime, for ids no stream holds (any instance may do it).</summary>
    private async Task SweepAsync()
    {
        if (Interlocked.Exchange(ref _sweeping, 1) != 0) return;
        try
        {
            if (!_redis.IsConnected) return;
            var cutoff = (_router.Now - _options.QueuedMessageLifetime).ToUnixTimeMilliseconds();
            await foreach (var member in _db.SetScanAsync(Prefix + "ids", pageSize: 256))
            {
                var id = (string)member!;
                var dropped = (RedisResult[])(await _db.ScriptEvaluateAsync(RedisScripts.Expire,
                    [Prefix + "q:" + id, Prefix + "b:" + id, Prefix + "total", Prefix + "ids", Prefix + "owner:" + id, Prefix + "p:" + id, Prefix + "parked"],
                    [cutoff, id]))!;
                for (var i = 0; i + 1 < dropped.Length; i += 2)
                {
                    _router.OnExpired();
                    SignalingLog.Expired(_logger, (string)dropped[i]!, (string)dropped[i + 1]!, id, _options.QueuedMessageLifetime);
                }
            }
        }
        catch (Exception e) when (IsRedisFailure(e))
        {
            _lastError = e.Message;
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private static bool IsRedisFailure(Exception e) => e is RedisException or RedisTimeoutException or ObjectDisposedException;

    public async ValueTask DisposeAsync()
    {
        await _sweeper.DisposeAsync();
        await _redis.CloseAsync(allowCommandsToComplete: false);
        _redis.Dispose();
    }
}
