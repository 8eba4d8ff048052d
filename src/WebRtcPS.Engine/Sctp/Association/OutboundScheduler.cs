namespace WebRtcPS.Engine.Sctp;

/// <summary>
/// The send queue: one FIFO per stream, served round-robin one whole message at a time (the
/// fragments of a message need consecutive TSNs, RFC 9260 §6.9), so a large transfer on one
/// data channel does not starve the others. Abandoned (PR-SCTP) chunks are skipped.
/// </summary>
internal sealed class OutboundScheduler
{
    private readonly Dictionary<ushort, Queue<OutboundChunk>> _queues = [];
    private readonly Queue<ushort> _rotation = new();

    public void Enqueue(OutboundChunk chunk)
    {
        var stream = chunk.Message.StreamId;
        if (!_queues.TryGetValue(stream, out var queue))
        {
            _queues[stream] = queue = new Queue<OutboundChunk>();
            _rotation.Enqueue(stream);
        }
        queue.Enqueue(chunk);
    }

    /// <summary>The next chunk to send: the rest of the current message, else the first message of the stream whose turn it is.</summary>
    public bool TryPeek(out OutboundChunk chunk)
    {
        while (_rotation.TryPeek(out var stream))
        {
            var queue = _queues[stream];
            while (queue.TryPeek(out chunk!) && chunk.Abandoned) queue.Dequeue();
            if (queue.Count > 0) return true;
            _rotation.Dequeue();
            _queues.Remove(stream);
        }
        chunk = null!;
        return false;
    }

    /// <summary>Removes the chunk <see cref="TryPeek"/> returned; after a message's last fragment the next stream gets its turn.</summary>
    public void Dequeue()
    {
        var stream = _rotation.Peek();
        var queue = _queues[stream];
        var chunk = queue.Dequeue();
        if (!chunk.Ending) return;
        _rotation.Dequeue();
        if (queue.Count > 0) _rotation.Enqueue(stream);
        else _queues.Remove(stream);
    }

    /// <summary>Empties the queue, returning what was in it.</summary>
    public List<OutboundChunk> Clear()
    {
        var all = _queues.Values.SelectMany(q => q).ToList();
        _queues.Clear();
        _rotation.Clear();
        return all;
    }
}
