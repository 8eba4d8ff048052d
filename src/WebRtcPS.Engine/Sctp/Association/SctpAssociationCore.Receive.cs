namespace WebRtcPS.Engine.Sctp;

/// <summary>The data receiver (RFC 9260 §6.2, §6.5, §6.9; RFC 3758 §3.6): TSN bookkeeping,
/// reassembly, our advertised window, and when to SACK (at once on gaps or duplicates, else every
/// second DATA packet or after the delayed-SACK time).</summary>
internal sealed partial class SctpAssociationCore
{
    private ReceivedTsnTracker _recv;
    private readonly ReassemblyQueue _reassembly;
    private int _dataPacketsSinceSack;
    private bool _sackNow;

    private uint AdvertisedRwnd => (uint)Math.Max(0, _options.ReceiveWindow - _reassembly.BufferedBytes - _unconsumedBytes());

    /// <summary>The application consumed received data: tell the peer the window reopened.</summary>
    public List<SctpPacket> WindowUpdate()
    {
        if (AcceptsData(State) && State != AssociationState.CookieEchoed) _sackNow = true;
        return Flush();
    }

    private static bool AcceptsData(AssociationState state) => state is AssociationState.CookieEchoed or AssociationState.Established
        or AssociationState.ShutdownPending or AssociationState.ShutdownSent or AssociationState.ShutdownReceived;

    private void HandleData(DataChunk data)
    {
        if (!AcceptsData(State)) return;
        if (State == AssociationState.CookieEchoed) EnterEstablished();   // the peer is established: our COOKIE-ACK was overtaken
        if (_recv.IsDuplicate(data.Tsn))
        {
            DuplicateDataReceived++;
            _recv.Mark(data.Tsn);
            return;
        }
        if (!_recv.InWindow(data.Tsn)) return;
        // Flow control (RFC 9260 §6.2): beyond our window, drop; only the next in-sequence TSN may
        // still come in, so that a message half reassembled can complete, unless the application
        // itself is sitting on a full window.
        var unconsumed = _unconsumedBytes();
        if (_reassembly.BufferedBytes + unconsumed + data.UserData.Length > _options.ReceiveWindow
            && (data.Tsn != _recv.CumulativeTsn + 1 || unconsumed >= _options.ReceiveWindow))
        {
            DataDroppedForWindow++;
            return;
        }
        // RFC 9260 §6.7: with gaps, every packet is acknowledged at once, the one filling a gap too,
        // not held for the every-second-packet rule or a batch (the sender's loss recovery waits on them).
        if (_recv.HasGaps) _sackNow = true;
        _recv.Mark(data.Tsn);
        DataReceived++;
        if (data.Immediate) _sackNow = true;
        if (data.UserData.Length == 0) return;   // "No User Data": acknowledged and ignored
        if (data.StreamId >= _inboundStreams)
        {
            var info = new byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(info, data.StreamId);
            _control.Add(new ErrorChunk([new ErrorCause(ErrorCauseCode.InvalidStreamIdentifier, info)]));
            return;
        }
        if (!_reassembly.Add(data, Delivered)) Fail($"message on stream {data.StreamId} exceeds the maximum message size {_options.MaxMessageSize}");
    }

    /// <summary>Most DATA packets one SACK may cover while the driver still has input queued.</summary>
    internal const int MaxSackBatch = 16;

    /// <summary>Set by the driver before each step while more input waits in its queue. The
    /// every-second-packet SACK (RFC 9260 §6.2) is then held until the queue is drained, or
    /// <see cref="MaxSackBatch"/> DATA packets, so a burst that was received together is
    /// acknowledged once, when it has been processed; gaps and duplicates are still reported at once
    /// and the delayed-SACK timer still runs. Under light load the queue is empty and nothing changes.</summary>
    public bool MoreInputQueued { get; set; }

    private void AfterDataPacket()
    {
        _dataPacketsSinceSack++;
        if (_recv.HasGaps || _recv.HasDuplicates
            || (_dataPacketsSinceSack >= 2 && (!MoreInputQueued || _dataPacketsSinceSack >= MaxSackBatch))) _sackNow = true;
        else _sackTimer ??= Now + _options.DelayedSackTime;
        TryPerformDeferredReset();
    }

    private SackChunk BuildSack()
    {
        return new SackChunk(_recv.CumulativeTsn, AdvertisedRwnd, _recv.GapAckBlocks(), _recv.TakeDuplicates());
    }

    private void HandleForwardTsn(ForwardTsnChunk forward)
    {
        if (!AcceptsData(State)) return;
        _sackNow = true;
        if (Tsn.Lte(forward.NewCumulativeTsn, _recv.CumulativeTsn) || !_recv.InWindow(forward.NewCumulativeTsn)) return;
        ForwardTsnsReceived++;
        TsnsAbandonedByPeer += _recv.ForwardTo(forward.NewCumulativeTsn);
        _reassembly.Skip(forward.NewCumulativeTsn, forward.Streams, Delivered);
        TryPerformDeferredReset();
    }
}
