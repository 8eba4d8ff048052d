namespace WebRtcPS.Signaling.Server.Redis;

/// <summary>
/// The Lua scripts that change the store's keys (README "Mailbox stores"). Redis runs each one
/// atomically, so a check and the change it guards can never interleave with another instance's.
/// </summary>
internal static class RedisScripts
{
    /// <summary>Enqueue results, as the script returns them.</summary>
    public const int Queued = 0, QueueFull = 1, ServerFull = 3, TooManyIds = 4;

    /// <summary>
    /// "Parked" bytes wait for an id nobody reads (no <c>owner:{id}</c>); they may use at most half
    /// of MaxQueuedBytes, as <c>QueueBudget</c> allows in memory. <c>p:{id}</c> is what the id
    /// contributes to the global <c>parked</c> counter; <c>repark(owner, b, p, parked)</c> makes it
    /// agree with the id's state now (its bytes if nobody owns it, else 0). Every script that
    /// changes an id's bytes or owner calls it, so the counter is exact except after an owner key
    /// expired by itself (its instance died): then it undercounts that id until the next sweep
    /// (<see cref="Expire"/>) or the next script touching the id.
    /// </summary>
    private const string Repark = """
        local function repark(owner, b, p, parked)
          local want = 0
          if redis.call('EXISTS', owner) == 0 then want = tonumber(redis.call('GET', b) or '0') end
          local had = tonumber(redis.call('GET', p) or '0')
          if want ~= had then
            redis.call('INCRBY', parked, want - had)
            if want == 0 then redis.call('DEL', p) else redis.call('SET', p, want) end
          end
        end

        """;

    /// <summary>
    /// KEYS q:{id}, b:{id}, total, ids, owner:{id}, p:{id}, parked; ARGV payload, acceptedAtMs, type,
    /// from, maxCount, maxBytesPerId, maxTotal, maxIds, id, length, channel. For an id nobody reads,
    /// the parked bytes may not pass half of maxTotal (3, as when the total is full).
    /// </summary>
    public const string Enqueue = Repark + """
        repark(KEYS[5], KEYS[2], KEYS[6], KEYS[7])
        local n = redis.call('XLEN', KEYS[1])
        if n == 0 and redis.call('SISMEMBER', KEYS[4], ARGV[9]) == 0 and redis.call('SCARD', KEYS[4]) >= tonumber(ARGV[8]) then return 4 end
        local len = tonumber(ARGV[10])
        if n >= tonumber(ARGV[5]) or tonumber(redis.call('GET', KEYS[2]) or '0') + len > tonumber(ARGV[6]) then return 1 end
        if tonumber(redis.call('GET', KEYS[3]) or '0') + len > tonumber(ARGV[7]) then return 3 end
        if redis.call('EXISTS', KEYS[5]) == 0 and tonumber(redis.call('GET', KEYS[7]) or '0') + len > math.floor(tonumber(ARGV[7]) / 2) then return 3 end
        redis.call('XADD', KEYS[1], '*', 'p', ARGV[1], 'a', ARGV[2], 't', ARGV[3], 'f', ARGV[4])
        redis.call('INCRBY', KEYS[2], len)
        redis.call('INCRBY', KEYS[3], len)
        repark(KEYS[5], KEYS[2], KEYS[6], KEYS[7])
        redis.call('SADD', KEYS[4], ARGV[9])
        redis.call('PUBLISH', ARGV[11], 'w ' .. ARGV[9])
        return 0
        """;

    /// <summary>
    /// A new /receive takes the id: KEYS fence:{id}, owner:{id}, b:{id}, p:{id}, parked; ARGV ownerTtlMs,
    /// channel, id. Returns its fencing token; streams with older tokens end (told by the publication).
    /// </summary>
    public const string Attach = Repark + """
        local token = redis.call('INCR', KEYS[1])
        redis.call('SET', KEYS[2], token, 'PX', ARGV[1])
        repark(KEYS[2], KEYS[3], KEYS[4], KEYS[5])
        redis.call('PUBLISH', ARGV[2], 't ' .. ARGV[3] .. ' ' .. token)
        return token
        """;

    /// <summary>
    /// Hands out the oldest entries to the stream holding the id: KEYS owner:{id}, lock:{id}, q:{id},
    /// fence:{id}, b:{id}, p:{id}, parked; ARGV token, leaseMs, count, ownerTtlMs. -1: replaced (a newer token owns the id);
    /// -2: another stream is still writing (wait for its release); else XRANGE's entries.
    /// An owner key that expired while its stream lived (Redis restarted without it) is taken back
    /// if no newer stream came since (the fence still holds this token).
    /// </summary>
    public const string Claim = Repark + """
        local owner = redis.call('GET', KEYS[1])
        if not owner then
          if redis.call('GET', KEYS[4]) ~= ARGV[1] then return -1 end
          redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[4])
          repark(KEYS[1], KEYS[5], KEYS[6], KEYS[7])
        elseif owner ~= ARGV[1] then
          return -1
        else
          redis.call('PEXPIRE', KEYS[1], ARGV[4])
        end
        local l = redis.call('GET', KEYS[2])
        if l and l ~= ARGV[1] then return -2 end
        local entries = redis.call('XRANGE', KEYS[3], '-', '+', 'COUNT', ARGV[3])
        if #entries > 0 then redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2]) else redis.call('DEL', KEYS[2]) end
        return entries
        """;

    /// <summary>
    /// An entry was flushed to the client: KEYS q:{id}, b:{id}, total, ids, lock:{id}, owner:{id}, p:{id},
    /// parked; ARGV entryId, length, id, token, leaseMs. Counted off once (XDEL says whether it was
    /// still there); renews the lease.
    /// </summary>
    public const string Ack = Repark + """
        if redis.call('XDEL', KEYS[1], ARGV[1]) == 1 then
          redis.call('DECRBY', KEYS[2], ARGV[2])
          redis.call('DECRBY', KEYS[3], ARGV[2])
          if redis.call('XLEN', KEYS[1]) == 0 then
            redis.call('DEL', KEYS[1], KEYS[2])
            redis.call('SREM', KEYS[4], ARGV[3])
          end
          repark(KEYS[6], KEYS[2], KEYS[7], KEYS[8])
        end
        if redis.call('GET', KEYS[5]) == ARGV[4] then redis.call('PEXPIRE', KEYS[5], ARGV[5]) end
        return 1
        """;

    /// <summary>
    /// The stream stops writing (end of a batch): KEYS lock:{id}; ARGV token, channel, id. Wakes a
    /// newer stream waiting for the lock.
    /// </summary>
    public const string Release = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          redis.call('DEL', KEYS[1])
          redis.call('PUBLISH', ARGV[2], 'w ' .. ARGV[3])
        end
        return 1
        """;

    /// <summary>The stream ended: KEYS owner:{id}, lock:{id}, b:{id}, p:{id}, parked; ARGV token, channel, id. Its bytes become parked.</summary>
    public const string Detach = Repark + """
        if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
        repark(KEYS[1], KEYS[3], KEYS[4], KEYS[5])
        if redis.call('GET', KEYS[2]) == ARGV[1] then
          redis.call('DEL', KEYS[2])
          redis.call('PUBLISH', ARGV[2], 'w ' .. ARGV[3])
        end
        return 1
        """;

    /// <summary>
    /// Drops entries accepted before the cutoff from an id nobody reads: KEYS q:{id}, b:{id}, total,
    /// ids, owner:{id}, p:{id}, parked; ARGV cutoffMs, id. Returns the dropped entries' types and senders
    /// (type, from, ...). Also settles the id's parked bytes (an owner key that expired by itself).
    /// </summary>
    public const string Expire = Repark + """
        repark(KEYS[5], KEYS[2], KEYS[6], KEYS[7])
        if redis.call('EXISTS', KEYS[5]) == 1 then return {} end
        local dropped = {}
        local entries = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 100)
        for _, e in ipairs(entries) do
          local f = {}
          for i = 1, #e[2], 2 do f[e[2][i]] = e[2][i + 1] end
          if tonumber(f['a']) >= tonumber(ARGV[1]) then break end
          redis.call('XDEL', KEYS[1], e[1])
          redis.call('DECRBY', KEYS[2], #f['p'])
          redis.call('DECRBY', KEYS[3], #f['p'])
          table.insert(dropped, f['t'])
          table.insert(dropped, f['f'])
        end
        if redis.call('XLEN', KEYS[1]) == 0 then
          redis.call('DEL', KEYS[1], KEYS[2])
          redis.call('SREM', KEYS[4], ARGV[2])
        end
        repark(KEYS[5], KEYS[2], KEYS[6], KEYS[7])
        return dropped
        """;

    /// <summary>Counts for /health: KEYS ids, total; ARGV prefix. Returns {ids, bytes, messages, id, count, ...}.</summary>
    public const string Depth = """
        local ids = redis.call('SMEMBERS', KEYS[1])
        local out = {#ids, tonumber(redis.call('GET', KEYS[2]) or '0'), 0}
        for _, id in ipairs(ids) do
          local n = redis.call('XLEN', ARGV[1] .. 'q:' .. id)
          out[3] = out[3] + n
          table.insert(out, id)
          table.insert(out, n)
        end
        return out
        """;
}
