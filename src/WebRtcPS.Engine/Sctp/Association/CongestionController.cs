namespace WebRtcPS.Engine.Sctp;

/// <summary>Congestion control of one destination (RFC 9260 §7.2): cwnd, ssthresh and
/// partial_bytes_acked through slow start, congestion avoidance, fast recovery and T3 timeouts.</summary>
internal sealed class CongestionController
{
    private readonly int _mtu;

    public CongestionController(int mtu, uint peerReceiveWindow)
    {
        _mtu = mtu;
        Cwnd = Math.Min(4 * mtu, Math.Max(2 * mtu, 4380));   // §7.2.1
        Ssthresh = (int)Math.Min(peerReceiveWindow, int.MaxValue);
    }

    public int Cwnd { get; private set; }
    public int Ssthresh { get; private set; }
    public int PartialBytesAcked { get; private set; }
    public bool InFastRecovery { get; private set; }
    /// <summary>A loss was seen (fast retransmit or T3-rtx): the window is no longer the initial one's.</summary>
    public bool LossSeen { get; private set; }
    public uint FastRecoveryExitPoint { get; private set; }

    /// <summary>A SACK advanced the cumulative ack (§7.2.1, §7.2.2). <paramref name="flightBefore"/>
    /// is the flight size before the SACK, used to tell whether cwnd was fully used.</summary>
    public void OnCumulativeAckAdvanced(int bytesAcked, int flightBefore)
    {
        if (InFastRecovery || bytesAcked <= 0) return;
        var fullyUsed = flightBefore + _mtu > Cwnd;
        if (Cwnd <= Ssthresh)
        {
            if (fullyUsed) Cwnd += Math.Min(bytesAcked, _mtu);
            return;
        }
        PartialBytesAcked += bytesAcked;
        if (PartialBytesAcked >= Cwnd && fullyUsed)
        {
            PartialBytesAcked -= Cwnd;
            Cwnd += _mtu;
        }
    }

    /// <summary>Nothing is outstanding any more: partial_bytes_acked resets (§7.2.2).</summary>
    public void OnAllAcked()
    {
        PartialBytesAcked = 0;
        _beforeTimeout = null;
    }

    /// <summary>The timeouts proved real: nothing to undo any more.</summary>
    public void ForgetTimeout() => _beforeTimeout = null;

    /// <summary>The timeouts since the last <see cref="OnAllAcked"/> were spurious (nothing was
    /// lost): cwnd and ssthresh as before them (RFC 4015 §3.2's response).</summary>
    public void UndoRetransmissionTimeout()
    {
        if (_beforeTimeout is not { } before) return;
        _beforeTimeout = null;
        Cwnd = Math.Max(Cwnd, before.Cwnd);
        Ssthresh = Math.Max(Ssthresh, before.Ssthresh);
    }

    /// <summary>Fast retransmit on three miss indications (§7.2.4): enters fast recovery once.</summary>
    public void OnFastRetransmit(uint highestOutstandingTsn)
    {
        if (InFastRecovery) return;
        LossSeen = true;
        Ssthresh = Math.Max(Cwnd / 2, 4 * _mtu);
        Cwnd = Ssthresh;
        PartialBytesAcked = 0;
        InFastRecovery = true;
        FastRecoveryExitPoint = highestOutstandingTsn;
    }

    /// <summary>The fast retransmissions of a recovery all proved spurious (the chunks were
    /// reordered, not lost): cwnd and ssthresh as they were before it, and out of fast recovery
    /// (RFC 4015 §3.2's response, as RFC 3708 applies it to DSACK-detected spurious retransmits).</summary>
    public void UndoFastRetransmit(int cwndBefore, int ssthreshBefore)
    {
        Cwnd = Math.Max(Cwnd, cwndBefore);
        Ssthresh = Math.Max(Ssthresh, ssthreshBefore);
        InFastRecovery = false;
    }

    /// <summary>Leaves fast recovery once the cumulative ack reaches the exit point.</summary>
    public void OnCumulativeAck(uint cumulativeTsnAck)
    {
        if (InFastRecovery && Tsn.Gte(cumulativeTsnAck, FastRecoveryExitPoint)) InFastRecovery = false;
    }

    private (int Cwnd, int Ssthresh)? _beforeTimeout;

    /// <summary>T3-rtx expired (§7.2.3): back to one MTU. The values before the first of a run of
    /// timeouts are kept for <see cref="UndoRetransmissionTimeout"/>.</summary>
    public void OnRetransmissionTimeout()
    {
        _beforeTimeout ??= (Cwnd, Ssthresh);
        LossSeen = true;
        Ssthresh = Math.Max(Cwnd / 2, 4 * _mtu);
        Cwnd = _mtu;
        PartialBytesAcked = 0;
        InFastRecovery = false;
    }
}
