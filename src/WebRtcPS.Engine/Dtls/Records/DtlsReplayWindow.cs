namespace WebRtcPS.Engine.Dtls;

/// <summary>
/// The anti-replay window of one epoch (RFC 6347 §4.1.2.6), the sliding bitmap of RFC 4303
/// §3.4.3: bit i of the bitmap marks the record <c>highest - i</c> as received. Numbers above
/// the window's right edge are fresh, numbers 64 or more below it are too old to tell and are
/// rejected. The caller checks <see cref="IsFresh"/> before decrypting and calls
/// <see cref="Accept"/> only once the record authenticated, so forged records cannot move the
/// window. A new epoch starts a new window.
/// </summary>
internal sealed class DtlsReplayWindow
{
    public const int Size = 64;

    private long _highest = -1;
    private ulong _seen;

    /// <summary>True when <paramref name="sequenceNumber"/> is new: above the window, or inside it
    /// and not yet seen. Does not record it. False for numbers outside 0..2^48-1.</summary>
    public bool IsFresh(long sequenceNumber)
    {
        if (sequenceNumber is < 0 or > DtlsRecordHeader.MaxSequenceNumber) return false;
        if (sequenceNumber > _highest) return true;
        var behind = _highest - sequenceNumber;
        return behind < Size && (_seen & (1UL << (int)behind)) == 0;
    }

    /// <summary>Records a sequence number after its record authenticated (RFC 6347 §4.1.2.6:
    /// the window is updated only after the MAC check). Numbers already below the window change
    /// nothing.</summary>
    public void Accept(long sequenceNumber)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequenceNumber);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sequenceNumber, DtlsRecordHeader.MaxSequenceNumber);
        if (sequenceNumber > _highest)
        {
            var shift = sequenceNumber - _highest;
            _seen = shift >= Size ? 1UL : (_seen << (int)shift) | 1UL;
            _highest = sequenceNumber;
            return;
        }
        var behind = _highest - sequenceNumber;
        if (behind < Size) _seen |= 1UL << (int)behind;
    }
}
