namespace WebRtcPS.Engine.Dtls;

/// <summary>
/// Puts the peer's handshake messages back together and hands them over in message_seq order
/// (RFC 6347 §4.2.2): fragments may come in any order, overlap or repeat; a message is complete
/// when its fragments cover every byte. A fragment of a message already handed over is a
/// retransmission (the peer lost our last flight, §4.2.4), reported so the caller can re-send.
/// </summary>
internal sealed class DtlsHandshakeReassembler
{
    /// <summary>How far ahead of the next expected message fragments are kept (a flight has at most 5).</summary>
    public const int Window = 8;

    /// <summary>Largest message accepted: a certificate chain of several KiB is normal, 64 KiB is not.</summary>
    public const int MaxMessageLength = 1 << 16;

    private readonly Dictionary<ushort, Partial> _partial = [];

    /// <summary>The message_seq of the next message to hand over.</summary>
    public ushort NextSeq { get; set; }

    public enum Outcome { Accepted, Duplicate, Dropped }

    /// <summary>Takes one fragment (header and its fragment bytes) received in <paramref name="epoch"/>.</summary>
    public Outcome Add(in DtlsHandshakeHeader header, ReadOnlySpan<byte> fragment, ushort epoch)
    {
        if (header.MessageSeq < NextSeq) return Outcome.Duplicate;
        if (header.MessageSeq - NextSeq >= Window || header.Length > MaxMessageLength || fragment.Length != header.FragmentLength)
            return Outcome.Dropped;
        if (!_partial.TryGetValue(header.MessageSeq, out var partial))
        {
            partial = new Partial(header.Type, header.Length, epoch);
            _partial[header.MessageSeq] = partial;
        }
        else if (partial.Type != header.Type || partial.Body.Length != header.Length || partial.Epoch != epoch)
        {
            return Outcome.Dropped;   // inconsistent with what came first: keep the first
        }
        fragment.CopyTo(partial.Body.AsSpan(header.FragmentOffset));
        partial.Cover(header.FragmentOffset, header.FragmentLength);
        return Outcome.Accepted;
    }

    /// <summary>The next message in order, once complete.</summary>
    public bool TryTake(out DtlsHandshakeType type, out ushort seq, out byte[] body, out ushort epoch)
    {
        if (_partial.TryGetValue(NextSeq, out var partial) && partial.Complete)
        {
            _partial.Remove(NextSeq);
            type = partial.Type;
            seq = NextSeq;
            body = partial.Body;
            epoch = partial.Epoch;
            NextSeq++;
            return true;
        }
        type = default;
        seq = 0;
        body = [];
        epoch = 0;
        return false;
    }

    /// <summary>Forgets partial messages (after a HelloVerifyRequest restarts the exchange).</summary>
    public void Clear() => _partial.Clear();

    private sealed class Partial(DtlsHandshakeType type, int length, ushort epoch)
    {
        // Covered byte ranges, sorted and merged: a flight has a handful of fragments.
        private readonly List<(int Start, int End)> _covered = [];

        public DtlsHandshakeType Type { get; } = type;
        public byte[] Body { get; } = new byte[length];
        public ushort Epoch { get; } = epoch;
        public bool Complete => Body.Length == 0 ? _covered.Count > 0 || _seenEmpty : _covered.Count == 1 && _covered[0] == (0, Body.Length);
        private bool _seenEmpty;

        public void Cover(int offset, int length)
        {
            if (length == 0)
            {
                _seenEmpty = true;
                return;
            }
            var start = offset;
            var end = offset + length;
            var merged = new List<(int Start, int End)>(_covered.Count + 1);
            var placed = false;
            foreach (var range in _covered)
            {
                if (range.End < start) merged.Add(range);
                else if (range.Start > end)
                {
                    if (!placed)
                    {
                        merged.Add((start, end));
                        placed = true;
                    }
                    merged.Add(range);
                }
                else
                {
                    start = Math.Min(start, range.Start);
                    end = Math.Max(end, range.End);
                }
            }
            if (!placed) merged.Add((start, end));
            _covered.Clear();
            _covered.AddRange(merged);
        }
    }
}
