namespace WebRtcPS.Engine.Sctp;

/// <summary>RFC 7053 (SACK-IMMEDIATELY) for a sender that waits until its data is acknowledged:
/// the receiver may hold the SACK of a lone DATA packet for its delayed-SACK time (RFC 9260 §6.2,
/// up to 200 ms), which the waiter would spend idle. The I bit asks it not to.</summary>
internal sealed partial class SctpAssociationCore
{
    private bool _sackImmediatelyRequested;

    /// <summary>Someone waits for everything sent so far to be acknowledged: the newest DATA chunk
    /// asks for an immediate SACK, either when it is first sent (still queued now) or, when it is
    /// already in flight without the I bit, by being sent again now with it (the receiver counts a
    /// duplicate and acknowledges at once; lost, it is retransmitted as usual).</summary>
    public List<SctpPacket> RequestSackImmediately()
    {
        if (!AllSentDataAcknowledged) _sackImmediatelyRequested = true;
        return Flush();
    }

    /// <summary>Called by <see cref="Flush"/> with the DATA chunks of this step, once per request:
    /// only when nothing is left queued, so that the chunk marked is the newest.</summary>
    private void AskSackImmediately(List<ISctpChunk> data)
    {
        if (!SendsData(State))
        {
            if (State == AssociationState.Closed) _sackImmediatelyRequested = false;
            return;
        }
        if (_pendingChunks > 0) return;   // the newest chunk has not left yet: a later step marks it
        _sackImmediatelyRequested = false;
        if (data.Count > 0 && data[^1] is DataChunk last)
        {
            data[^1] = last with { Immediate = true };
            return;
        }
        for (var i = _inflight.Count - 1; i >= 0; i--)
        {
            var c = _inflight[i];
            if (c.Acked || c.Abandoned) continue;
            if (c.Ending && c.Message.Options.SackImmediately) return;   // it asked already
            c.Transmissions++;   // (no RTT sample from it: Karn's rule, RFC 9260 §6.3.1 C5)
            c.LastSent = Now;
            Retransmissions++;
            data.Add(c.ToDataChunk() with { Immediate = true });
            return;
        }
    }

    /// <summary>Most packets in cwnd for which <see cref="AskSackWhenWindowFull"/> applies.</summary>
    private const int SmallWindowPackets = 8;

    /// <summary>RFC 7053 §4.1: a sender that cannot send more until a SACK arrives sets the I bit.
    /// With a small cwnd (heavy loss, or after T3-rtx) the receiver often holds an odd last packet
    /// for its delayed-SACK time (RFC 9260 §6.2), which is as long as RTO.Min here: the sender sits
    /// idle and T3-rtx fires although nothing was lost, and slow start after a timeout advances one
    /// packet per delayed SACK. So once a loss has shrunk cwnd, when this step's DATA fills a small
    /// cwnd (or the peer's window) with more to send, its last chunk asks for an immediate SACK.</summary>
    private void AskSackWhenWindowFull(List<ISctpChunk> data)
    {
        if (data.Count == 0 || data[^1] is not DataChunk { Immediate: false } last || !_cc.LossSeen || _cc.Cwnd > SmallWindowPackets * _mtu) return;
        if (_pendingChunks == 0 && _markedForRetransmit == 0) return;
        var windowFull = _flightSize + _mtu > _cc.Cwnd || _peerRwnd < _mtu;
        if (windowFull) data[^1] = last with { Immediate = true };
    }
}
