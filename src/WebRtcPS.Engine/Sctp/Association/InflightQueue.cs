namespace WebRtcPS.Engine.Sctp;

/// <summary>The chunks sent and not yet cumulatively acknowledged, indexed by TSN: entry i holds
/// TSN <see cref="FirstTsn"/> + i, since TSNs are assigned consecutively at first transmission.</summary>
internal sealed class InflightQueue
{
    private readonly List<OutboundChunk> _items = [];
    private int _head;

    public InflightQueue(uint firstTsn) => FirstTsn = firstTsn;

    /// <summary>The TSN of the oldest entry (cumulative ack point + 1).</summary>
    public uint FirstTsn { get; private set; }
    public int Count => _items.Count - _head;
    public OutboundChunk this[int index] => _items[_head + index];

    public bool TryGet(uint tsn, out OutboundChunk chunk)
    {
        var offset = tsn - FirstTsn;
        if (offset < (uint)Count)
        {
            chunk = this[(int)offset];
            return true;
        }
        chunk = null!;
        return false;
    }

    public void Add(OutboundChunk chunk) => _items.Add(chunk);

    public OutboundChunk RemoveFirst()
    {
        var c = _items[_head];
        _items[_head++] = null!;
        FirstTsn++;
        if (_head > 4096 && _head * 2 > _items.Count)
        {
            _items.RemoveRange(0, _head);
            _head = 0;
        }
        return c;
    }
}
