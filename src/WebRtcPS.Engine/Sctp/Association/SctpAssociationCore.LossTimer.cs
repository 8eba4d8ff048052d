namespace WebRtcPS.Engine.Sctp;

/// <summary>Overdue chunks: a chunk the peer has reported missing (a SACK acknowledged data sent
/// after it) is retransmitted once it has been outstanding for longer than an acknowledgement
/// takes on this path (SRTT + 4·RTTVAR, the RTO before its RTO.Min clamp), even if fewer than
/// three miss indications arrived. With a small cwnd (heavy loss) the packets after a loss are
/// too few, and their SACKs partly lost, to give the three miss indications of fast retransmit
/// (RFC 9260 §7.2.4), so T3-rtx repaired it: an RTO.Min wait and cwnd back to one MTU. The time
/// rule is RACK's (RFC 8985 §6.2) kept conservative: only chunks with a miss indication, and a
/// deadline that follows the path's RTT variation, so a reordered chunk is not retransmitted.
/// The repair is a fast retransmission: cwnd halves once per window (§7.2.3, §7.2.4). Once
/// reordering was seen, the deadline is at least RACK.rtt + reo_wnd, and a chunk with three miss
/// indications waits for exactly that (SctpAssociationCore.Reordering.cs).</summary>
internal sealed partial class SctpAssociationCore
{
    /// <summary>Sets the loss timer to the earliest deadline of a chunk with a miss indication, or clears it.</summary>
    private void ArmLossTimer()
    {
        _lossTimer = null;
        if (_rto.UnclampedRto is not { } overdue) return;
        for (var i = 0; i < _inflight.Count; i++)
        {
            var c = _inflight[i];
            if (c.MissIndications == 0 || c.Acked || c.Abandoned || !c.InFlight) continue;
            var due = LossDeadline(c, overdue);
            if (_lossTimer is not { } t || due < t) _lossTimer = due;
        }
    }

    private void OnLossTimer(TimeSpan now)
    {
        _lossTimer = null;
        if (!SendsData(State) && State != AssociationState.ShutdownSent || _rto.UnclampedRto is not { } overdue) return;
        var any = false;
        for (var i = 0; i < _inflight.Count; i++)
        {
            var c = _inflight[i];
            if (c.MissIndications == 0 || c.Acked || c.Abandoned || !c.InFlight || LossDeadline(c, overdue) > now) continue;
            any |= MarkForFastRetransmit(c, now);
        }
        if (any) EnterFastRecovery();
        UpdateAdvancedPeerAckPoint();
        ArmLossTimer();
    }
}
