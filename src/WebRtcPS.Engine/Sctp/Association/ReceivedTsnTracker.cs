namespace WebRtcPS.Engine.Sctp;

/// <summary>The receiver's view of TSNs (RFC 9260 §6.2): the cumulative TSN, the TSNs received
/// above it (reported as Gap Ack Blocks) and duplicates since the last SACK.</summary>
internal sealed class ReceivedTsnTracker
{
    /// <summary>Gap blocks carry 16-bit offsets; TSNs further ahead than this are dropped.</summary>
    public const uint MaxAhead = 65000;
    private const int MaxGapBlocks = 128;
    private const int MaxDuplicates = 64;

    private readonly SortedSet<uint> _above = new(Comparer<uint>.Create((a, b) => a == b ? 0 : Tsn.Lt(a, b) ? -1 : 1));
    private readonly List<uint> _duplicates = [];

    public ReceivedTsnTracker(uint cumulativeTsn) => CumulativeTsn = cumulativeTsn;

    public uint CumulativeTsn { get; private set; }
    public bool HasGaps => _above.Count > 0;
    public bool HasDuplicates => _duplicates.Count > 0;

    /// <summary>True if <paramref name="tsn"/> is acceptable (not too far ahead).</summary>
    public bool InWindow(uint tsn) => tsn - CumulativeTsn <= MaxAhead;

    public bool IsDuplicate(uint tsn) => Tsn.Lte(tsn, CumulativeTsn) || _above.Contains(tsn);

    /// <summary>Records a received TSN; false (and counted as duplicate) if already seen.</summary>
    public bool Mark(uint tsn)
    {
        if (IsDuplicate(tsn))
        {
            if (_duplicates.Count < MaxDuplicates) _duplicates.Add(tsn);
            return false;
        }
        _above.Add(tsn);
        Advance();
        return true;
    }

    /// <summary>FORWARD-TSN (RFC 3758 §3.6): treat everything up to <paramref name="newCumulative"/>
    /// as received. Returns how many of those TSNs never came (the peer abandoned them).</summary>
    public uint ForwardTo(uint newCumulative)
    {
        if (!Tsn.Gt(newCumulative, CumulativeTsn)) return 0;
        var skipped = newCumulative - CumulativeTsn;
        CumulativeTsn = newCumulative;
        while (_above.Count > 0 && Tsn.Lte(_above.Min, CumulativeTsn))
        {
            _above.Remove(_above.Min);
            skipped--;
        }
        Advance();
        return skipped;
    }

    public GapAckBlock[] GapAckBlocks()
    {
        var blocks = new List<GapAckBlock>();
        uint start = 0, end = 0;
        var open = false;
        foreach (var tsn in _above)
        {
            var offset = tsn - CumulativeTsn;
            if (open && offset == end + 1) { end = offset; continue; }
            if (open) blocks.Add(new GapAckBlock((ushort)start, (ushort)end));
            if (blocks.Count == MaxGapBlocks) return [.. blocks];
            start = end = offset;
            open = true;
        }
        if (open) blocks.Add(new GapAckBlock((ushort)start, (ushort)end));
        return [.. blocks];
    }

    public uint[] TakeDuplicates()
    {
        var d = _duplicates.ToArray();
        _duplicates.Clear();
        return d;
    }

    private void Advance()
    {
        while (_above.Count > 0 && _above.Min == CumulativeTsn + 1)
        {
            CumulativeTsn++;
            _above.Remove(CumulativeTsn);
        }
    }
}
