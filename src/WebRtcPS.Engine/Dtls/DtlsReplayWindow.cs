namespace WebRtcPS.Engine.Dtls;

/// <summary>
/// The anti-replay window of one epoch (RFC 6347 §4.1.2.6): the highest sequence number seen and a
/// bitmap of the 64 numbers below it. A record is checked before decryption and marked only after
/// its authentication tag verified, so a forged record cannot move the window.
/// </summary>
internal sealed class DtlsReplayWindow
{
    private const int Size = 64;
    private ulong _highest;
    private ulong _seen;   // bit i: _highest - i was received
    private bool _any;

    /// <summary>False for a number received already or too old for the window.</summary>
    public bool MayAccept(ulong sequence)
    {
        if (!_any || sequence > _highest) return true;
        var age = _highest - sequence;
        return age < Size && (_seen & (1UL << (int)age)) == 0;
    }

    /// <summary>Records <paramref name="sequence"/> as received (after its record verified).</summary>
    public void Mark(ulong sequence)
    {
        if (!_any)
        {
            _any = true;
            _highest = sequence;
            _seen = 1;
            return;
        }
        if (sequence > _highest)
        {
            var shift = sequence - _highest;
            _seen = shift >= Size ? 1 : (_seen << (int)shift) | 1;
            _highest = sequence;
            return;
        }
        var age = _highest - sequence;
        if (age < Size) _seen |= 1UL << (int)age;
    }
}
