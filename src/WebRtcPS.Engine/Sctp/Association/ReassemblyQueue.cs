namespace WebRtcPS.Engine.Sctp;

/// <summary>Receive-side reassembly and delivery order (RFC 9260 §6.5, §6.6, §6.9): fragments are
/// joined B..E over consecutive TSNs; ordered messages leave in SSN order per stream, unordered
/// ones as soon as complete. FORWARD-TSN (RFC 3758 §3.6) and stream resets (RFC 6525) skip state.</summary>
internal sealed class ReassemblyQueue
{
    private readonly int _maxMessageSize;
    private readonly int _maxFragments;
    private readonly Dictionary<ushort, OrderedStream> _ordered = [];
    private readonly Dictionary<uint, DataChunk> _unordered = [];

    public ReassemblyQueue(int maxMessageSize)
    {
        _maxMessageSize = maxMessageSize;
        // Bounds the work a peer can cause with tiny fragments (each one costs a walk).
        _maxFragments = Math.Max(1024, maxMessageSize / 64);
    }

    /// <summary>Payload bytes held, waiting for missing fragments or earlier messages.</summary>
    public long BufferedBytes { get; private set; }

    /// <summary>Adds a new (non-duplicate) DATA chunk; complete messages are appended to
    /// <paramref name="delivered"/>. False when the peer exceeds the maximum message size.</summary>
    public bool Add(DataChunk chunk, List<SctpMessage> delivered)
    {
        if (chunk.Unordered) return AddUnordered(chunk, delivered);
        var stream = Stream(chunk.StreamId);
        if (Tsn.Lt(chunk.StreamSequence, stream.NextSsn)) return true;   // already delivered or skipped
        if (!stream.Pending.TryGetValue(chunk.StreamSequence, out var message))
            stream.Pending[chunk.StreamSequence] = message = new PendingMessage();
        var fragments = message.Fragments;
        var index = fragments.Count;   // fragments mostly arrive in order: search from the end
        while (index > 0 && Tsn.Gt(fragments[index - 1].Tsn, chunk.Tsn)) index--;
        fragments.Insert(index, chunk);
        BufferedBytes += chunk.UserData.Length;
        message.Size += chunk.UserData.Length;
        if (message.Size > _maxMessageSize || fragments.Count > _maxFragments) return false;
        DeliverOrdered(chunk.StreamId, stream, delivered);
        return true;
    }

    /// <summary>FORWARD-TSN: drops unordered fragments at or below <paramref name="newCumulativeTsn"/>
    /// and skips ordered messages up to each listed SSN.</summary>
    public void Skip(uint newCumulativeTsn, IReadOnlyList<ForwardTsnStream> streams, List<SctpMessage> delivered)
    {
        foreach (var tsn in _unordered.Keys.Where(t => Tsn.Lte(t, newCumulativeTsn)).ToList())
        {
            BufferedBytes -= _unordered[tsn].UserData.Length;
            _unordered.Remove(tsn);
        }
        foreach (var s in streams)
        {
            var stream = Stream(s.StreamId);
            // Messages up to the skipped SSN that did arrive whole are still delivered, in order
            // (RFC 3758 §3.6); the incomplete ones are dropped.
            var skipped = stream.Pending.Keys.Where(k => !Tsn.Lt(s.StreamSequence, k))
                .OrderBy(k => (ushort)(k - stream.NextSsn)).ToList();
            foreach (var ssn in skipped)
            {
                var fragments = stream.Pending[ssn].Fragments;
                stream.Pending.Remove(ssn);
                if (IsComplete(fragments)) delivered.Add(Join(s.StreamId, fragments, unordered: false));
                else foreach (var f in fragments) BufferedBytes -= f.UserData.Length;
            }
            if (!Tsn.Lt((ushort)(s.StreamSequence + 1), stream.NextSsn)) stream.NextSsn = (ushort)(s.StreamSequence + 1);
            DeliverOrdered(s.StreamId, stream, delivered);
        }
    }

    /// <summary>Incoming stream reset (RFC 6525 §5.2.2): the next SSN expected is 0 again.</summary>
    public void ResetStreams(IEnumerable<ushort> streamIds)
    {
        foreach (var id in streamIds)
        {
            if (!_ordered.TryGetValue(id, out var stream)) continue;
            foreach (var message in stream.Pending.Values) BufferedBytes -= message.Size;
            _ordered.Remove(id);
        }
    }

    /// <summary>For diagnostics: the ordered streams holding messages (next SSN expected, SSNs held) and the unordered fragments held.</summary>
    public string Describe()
    {
        var held = _ordered.Where(s => s.Value.Pending.Count > 0).OrderBy(s => s.Key)
            .Select(s => $"stream {s.Key} next SSN {s.Value.NextSsn} holds SSN {string.Join(",", s.Value.Pending.Keys.Order())}");
        return $"[{string.Join("; ", held)}] unordered fragments {_unordered.Count}";
    }

    private OrderedStream Stream(ushort id)
    {
        if (!_ordered.TryGetValue(id, out var stream)) _ordered[id] = stream = new OrderedStream();
        return stream;
    }

    private void DeliverOrdered(ushort streamId, OrderedStream stream, List<SctpMessage> delivered)
    {
        while (stream.Pending.TryGetValue(stream.NextSsn, out var message) && IsComplete(message.Fragments))
        {
            var fragments = message.Fragments;
            stream.Pending.Remove(stream.NextSsn);
            stream.NextSsn++;
            delivered.Add(Join(streamId, fragments, unordered: false));
        }
    }

    private static bool IsComplete(List<DataChunk> fragments)
    {
        if (fragments.Count == 0 || !fragments[0].Beginning || !fragments[^1].Ending) return false;
        return fragments[^1].Tsn - fragments[0].Tsn == (uint)(fragments.Count - 1);
    }

    private bool AddUnordered(DataChunk chunk, List<SctpMessage> delivered)
    {
        _unordered[chunk.Tsn] = chunk;
        BufferedBytes += chunk.UserData.Length;
        var first = chunk.Tsn;
        long size = chunk.UserData.Length;
        var count = 1;
        while (!_unordered[first].Beginning)
        {
            if (!_unordered.TryGetValue(first - 1, out var previous) || previous.Ending || previous.StreamId != chunk.StreamId) return true;
            first--;
            size += previous.UserData.Length;
            if (size > _maxMessageSize || ++count > _maxFragments) return false;
        }
        var last = chunk.Tsn;
        while (!_unordered[last].Ending)
        {
            if (!_unordered.TryGetValue(last + 1, out var next) || next.Beginning || next.StreamId != chunk.StreamId) return true;
            last++;
            size += next.UserData.Length;
            if (size > _maxMessageSize || ++count > _maxFragments) return false;
        }
        var fragments = new List<DataChunk>();
        for (var t = first; ; t++)
        {
            fragments.Add(_unordered[t]);
            _unordered.Remove(t);
            if (t == last) break;
        }
        delivered.Add(Join(chunk.StreamId, fragments, unordered: true));
        return true;
    }

    private SctpMessage Join(ushort streamId, List<DataChunk> fragments, bool unordered)
    {
        var length = 0;
        foreach (var f in fragments) length += f.UserData.Length;
        var data = new byte[length];
        var offset = 0;
        foreach (var f in fragments)
        {
            f.UserData.Span.CopyTo(data.AsSpan(offset));
            offset += f.UserData.Length;
        }
        BufferedBytes -= length;
        return new SctpMessage(streamId, fragments[0].Ppid, data, unordered);
    }

    private sealed class OrderedStream
    {
        public ushort NextSsn;
        public readonly Dictionary<ushort, PendingMessage> Pending = [];
    }

    private sealed class PendingMessage
    {
        public readonly List<DataChunk> Fragments = [];
        public long Size;
    }
}
