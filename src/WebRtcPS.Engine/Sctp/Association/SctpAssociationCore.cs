using System.Security.Cryptography;

namespace WebRtcPS.Engine.Sctp;

/// <summary>
/// The SCTP association state machine (RFC 9260 as profiled by RFC 8261/8831), with no I/O, no
/// locks and no threads: every entry point takes one input (a packet, a user request, a timer
/// tick) and RETURNS the packets to send. It must only ever be called from one loop at a time
/// (<see cref="SctpAssociation"/> provides that loop). Time comes from the injected TimeProvider;
/// timers are deadlines the driver arms one OS timer for (<see cref="NextDeadline"/>).
/// </summary>
internal sealed partial class SctpAssociationCore
{
    private readonly SctpAssociationOptions _options;
    private readonly TimeProvider _time;
    private readonly long _epoch;
    private readonly int _mtu;
    private readonly int _maxFragment;
    private readonly byte[] _cookieKey = RandomNumberGenerator.GetBytes(32);
    private readonly uint _localTag;
    private readonly uint _localInitialTsn;

    // Output of the current step.
    private readonly List<SctpPacket> _standalone = [];
    private readonly List<ISctpChunk> _control = [];
    private readonly List<ISctpChunk> _lateControl = [];

    private bool _closedForGood;
    private int _errorCount;

    private readonly Func<long> _unconsumedBytes;

    /// <param name="options">The association's settings.</param>
    /// <param name="maxDatagramSize">Largest SCTP packet sent (the path MTU left by DTLS).</param>
    /// <param name="time">The clock every timer of the core reads.</param>
    /// <param name="unconsumedBytes">Bytes delivered to the application and not yet consumed by it;
    /// they count against our advertised receiver window (flow control towards a slow reader).</param>
    public SctpAssociationCore(SctpAssociationOptions options, int maxDatagramSize, TimeProvider time, Func<long>? unconsumedBytes = null)
    {
        _unconsumedBytes = unconsumedBytes ?? (() => 0);
        options.Validate();
        _options = options;
        _time = time;
        _epoch = time.GetTimestamp();
        _mtu = Math.Max(maxDatagramSize, 128);
        _maxFragment = (_mtu - SctpPacket.CommonHeaderLength - DataChunk.HeaderLength) & ~3;
        _localTag = RandomNonZero();
        _localInitialTsn = RandomNonZero();
        _nextTsn = _localInitialTsn;
        _inflight = new InflightQueue(_localInitialTsn);
        _cumAckPoint = _localInitialTsn - 1;
        _advancedPeerAckPoint = _cumAckPoint;
        _nextRequestSequence = _localInitialTsn;
        _rto = new RtoCalculator(options.RtoInitial, options.RtoMin, options.RtoMax);
        _t1Rto = options.RtoInitial;
        _cc = new CongestionController(_mtu, options.ReceiveWindow);
        _recv = new ReceivedTsnTracker(0);
        _reassembly = new ReassemblyQueue(options.MaxMessageSize);
    }

    public AssociationState State { get; private set; } = AssociationState.Closed;
    public string? CloseReason { get; private set; }

    /// <summary>Messages completed during the last step; the driver drains it.</summary>
    public List<SctpMessage> Delivered { get; } = [];

    /// <summary>Events raised during the last step; the driver drains it.</summary>
    public List<CoreEvent> Events { get; } = [];

    /// <summary>Per stream, payload bytes that left the send queue (first transmission or
    /// abandonment) during the last step: the driver lowers bufferedAmount by them.</summary>
    public Dictionary<ushort, long> DrainedBytes { get; } = [];

    public TimeSpan Now => _time.GetElapsedTime(_epoch);
    public int MaxMessageSize => _options.MaxMessageSize;
    public uint LocalVerificationTag => _localTag;
    public int Cwnd => _cc.Cwnd;
    public TimeSpan Rto => _rto.Rto;
    public long Retransmissions { get; private set; }
    public long Timeouts { get; private set; }
    public long DroppedPackets { get; private set; }
    public long FastRetransmissions { get; private set; }
    public long SpuriousTimeouts { get; private set; }
    public long DuplicateDataReceived { get; private set; }
    public long DataDroppedForWindow { get; private set; }
    /// <summary>DATA chunks taken (not duplicates, not dropped for the window).</summary>
    public long DataReceived { get; private set; }
    public long ForwardTsnsReceived { get; private set; }
    /// <summary>TSNs a FORWARD-TSN skipped that never came: messages the peer abandoned (RFC 3758).</summary>
    public long TsnsAbandonedByPeer { get; private set; }

    /// <summary>The protocol half of <see cref="SctpStatistics"/>; the driver adds its counters.</summary>
    public SctpStatistics Snapshot() => new()
    {
        State = State,
        PacketsDropped = DroppedPackets,
        DataRetransmissions = Retransmissions,
        RetransmissionTimeouts = Timeouts,
        FastRetransmissions = FastRetransmissions,
        SpuriousRetransmissionTimeouts = SpuriousTimeouts,
        SpuriousFastRetransmissions = SpuriousFastRetransmissions,
        FastRecoveriesUndone = FastRecoveriesUndone,
        ReorderingWindow = ReorderingWindow,
        TailLossProbes = Probes,
        DuplicateDataReceived = DuplicateDataReceived,
        DataDroppedForWindow = DataDroppedForWindow,
        DataReceived = DataReceived,
        ForwardTsnsReceived = ForwardTsnsReceived,
        TsnsAbandonedByPeer = TsnsAbandonedByPeer,
        CongestionWindow = _cc.Cwnd,
        SlowStartThreshold = _cc.Ssthresh,
        PeerReceiveWindow = _peerRwnd,
        BytesInFlight = _flightSize,
        Rto = _rto.Rto,
        SmoothedRtt = _rto.Srtt,
    };

    /// <summary>A one-line summary of the protocol state, for diagnostics.</summary>
    public string Describe() =>
        $"state={State} nextTsn={_nextTsn} cumAck={_cumAckPoint} advAck={_advancedPeerAckPoint} inflight={_inflight.Count} " +
        $"marked={_markedForRetransmit} flight={_flightSize} cwnd={_cc.Cwnd} ssthresh={_cc.Ssthresh} peerRwnd={_peerRwnd} " +
        $"pending={_pendingChunks} rto={_rto.Rto.TotalMilliseconds}ms t3={_t3} recvCum={_recv.CumulativeTsn} " +
        $"gaps={_recv.HasGaps} reasmBytes={_reassembly.BufferedBytes} reasm={_reassembly.Describe()} errors={_errorCount} fwdTsn={_peerForwardTsn} " +
        $"rtx={Retransmissions} fastRtx={FastRetransmissions} t3={Timeouts} spuriousT3={SpuriousTimeouts} spuriousFastRtx={SpuriousFastRetransmissions} undone={FastRecoveriesUndone} reoWnd={ReorderingWindow.TotalMilliseconds:0.###}ms probes={Probes} dataIn={DataReceived} dupIn={DuplicateDataReceived} windowDrops={DataDroppedForWindow} " +
        $"fwdTsnIn={ForwardTsnsReceived} peerAbandoned={TsnsAbandonedByPeer}";

    /// <summary>Handles one received (checksum-verified) packet.</summary>
    public List<SctpPacket> HandlePacket(SctpPacket packet)
    {
        if (packet.Chunks.Count == 0) return Flush();
        if (_closedForGood)
        {
            // Out of the blue (RFC 9260 §8.4 rule 5): a retransmitted SHUTDOWN-ACK means our
            // SHUTDOWN-COMPLETE was lost; answer it, reflecting the tag.
            if (packet.VerificationTag == _localTag && packet.Chunks.Any(c => c is ShutdownAckChunk))
                _standalone.Add(Packet(packet.VerificationTag, new ShutdownCompleteChunk(TagReflected: true)));
            return Flush();
        }
        if (packet.Chunks[0] is InitChunk init)
        {
            if (packet.Chunks.Count == 1 && packet.VerificationTag == 0) HandleInit(init);
            else DroppedPackets++;
            return Flush();
        }
        var reflected = packet.Chunks[0] is AbortChunk { TagReflected: true } or ShutdownCompleteChunk { TagReflected: true };
        var tagOk = reflected ? _peerTag != 0 && packet.VerificationTag == _peerTag : packet.VerificationTag == _localTag;
        if (!tagOk)
        {
            DroppedPackets++;
            return Flush();
        }
        var hadData = false;
        foreach (var chunk in packet.Chunks)
        {
            switch (chunk)
            {
                case InitChunk: DroppedPackets++; return Flush();
                case InitAckChunk initAck: HandleInitAck(initAck); break;
                case CookieEchoChunk echo: HandleCookieEcho(echo); break;
                case CookieAckChunk: HandleCookieAck(); break;
                case DataChunk data: HandleData(data); hadData = true; break;
                case SackChunk sack:
                    BeforeSack(sack);
                    HandleSack(sack.CumulativeTsnAck, sack.ARwnd, sack.GapAckBlocks);
                    break;
                case ForwardTsnChunk forward: HandleForwardTsn(forward); break;
                case ReConfigChunk reconfig: HandleReconfig(reconfig); break;
                case HeartbeatChunk heartbeat: HandleHeartbeat(heartbeat); break;
                case HeartbeatAckChunk heartbeatAck: HandleHeartbeatAck(heartbeatAck); break;
                case AbortChunk abort: HandleAbort(abort); return Flush();
                case ShutdownChunk shutdown: HandleShutdown(shutdown); break;
                case ShutdownAckChunk: HandleShutdownAck(); break;
                case ShutdownCompleteChunk: HandleShutdownComplete(); break;
                case ErrorChunk: break;
                case UnknownChunk unknown:
                    if (unknown.ShouldReport && _peerTag != 0)
                    {
                        var raw = new byte[unknown.EncodedLength];
                        unknown.Write(raw);
                        _control.Add(new ErrorChunk([new ErrorCause(ErrorCauseCode.UnrecognizedChunkType, raw)]));
                    }
                    if (!unknown.ShouldSkip) goto done;
                    break;
            }
            if (State == AssociationState.Closed && _closedForGood) return Flush();
        }
    done:
        if (hadData) AfterDataPacket();
        return Flush();
    }

    /// <summary>Handles whatever timers are due.</summary>
    public List<SctpPacket> OnTimer()
    {
        var now = Now;
        if (_t1 <= now) OnT1(now);
        if (_t2 <= now) OnT2(now);
        if (_t3 <= now) OnT3(now);
        if (_lossTimer <= now) OnLossTimer(now);
        if (_probeTimer <= now) OnProbeTimer();
        if (_sackTimer <= now)
        {
            _sackTimer = null;
            _sackNow = true;
        }
        if (_heartbeatTimer <= now) OnHeartbeatTimer(now);
        if (_reconfigTimer <= now) OnReconfigTimer(now);
        return Flush();
    }

    /// <summary>The transport under the association is gone.</summary>
    public List<SctpPacket> TransportClosed()
    {
        SetState(AssociationState.Closed, "transport closed");
        return [];
    }

    /// <summary>The earliest timer deadline, or null when no timer runs.</summary>
    public TimeSpan? NextDeadline
    {
        get
        {
            TimeSpan? next = null;
            foreach (var t in (ReadOnlySpan<TimeSpan?>)[_t1, _t2, _t3, _lossTimer, _probeTimer, _sackTimer, _heartbeatTimer, _reconfigTimer])
                if (t is { } v && (next is null || v < next)) next = v;
            return next;
        }
    }

    private TimeSpan? _t1, _t2, _t3, _lossTimer, _sackTimer, _heartbeatTimer, _reconfigTimer;

    private void SetState(AssociationState state, string? reason = null)
    {
        if (State == state) return;
        State = state;
        if (state == AssociationState.Closed)
        {
            _closedForGood = true;
            CloseReason = reason;
            _t1 = _t2 = _t3 = _lossTimer = _probeTimer = _sackTimer = _heartbeatTimer = _reconfigTimer = null;
            DropAllPending();
        }
        Events.Add(new StateChangedEvent(state, reason));
    }

    private void Fail(string reason)
    {
        if (_peerTag != 0 && State != AssociationState.Closed)
            _standalone.Add(Packet(_peerTag, new AbortChunk([new ErrorCause(ErrorCauseCode.ProtocolViolation, System.Text.Encoding.UTF8.GetBytes(reason))])));
        SetState(AssociationState.Closed, reason);
    }

    private SctpPacket Packet(uint tag, params ISctpChunk[] chunks) => new(_options.LocalPort, _options.RemotePort, tag, chunks);

    private static uint RandomNonZero()
    {
        uint v;
        do v = (uint)RandomNumberGenerator.GetInt32(int.MinValue, int.MaxValue); while (v == 0);
        return v;
    }

    /// <summary>Builds this step's packets: standalone ones first, then SACK, control chunks,
    /// FORWARD-TSN, DATA (retransmissions before new data, within cwnd and the peer's window) and
    /// late control (RE-CONFIG requests that must follow the DATA they cover), bundled up to the MTU.</summary>
    private List<SctpPacket> Flush()
    {
        var packets = new List<SctpPacket>(_standalone);
        _standalone.Clear();
        if (State == AssociationState.Closed || _peerTag == 0)
        {
            _control.Clear();
            _lateControl.Clear();
            return packets;
        }
        var data = CollectData();
        if (_sackImmediatelyRequested) AskSackImmediately(data);
        AskSackWhenWindowFull(data);
        ArmProbeTimer();
        TrySendReset();
        CheckShutdownProgress();

        var chunks = new List<ISctpChunk>();
        if (!MoreInputQueued && _dataPacketsSinceSack >= 2) _sackNow = true;   // a SACK held for a batch: the batch is done
        // RFC 9260 §6.2: a SACK that waits for the delayed-SACK timer goes with our own DATA instead
        // (an echo carries the acknowledgement of what it answers, and the peer frees its buffers a timer earlier).
        if (_sackTimer is not null && data.Count > 0) _sackNow = true;
        if (_sackNow && State != AssociationState.CookieWait)
        {
            chunks.Add(BuildSack());
            _sackNow = false;
            _sackTimer = null;
            _dataPacketsSinceSack = 0;
        }
        chunks.AddRange(_control);
        _control.Clear();
        if (_forwardTsnNeeded)
        {
            chunks.Add(BuildForwardTsn());
            _forwardTsnNeeded = false;
            _t3 ??= Now + _rto.Rto;   // RFC 3758 §3.5 C5: a lost FORWARD-TSN is sent again when T3-rtx expires (A5)
        }
        chunks.AddRange(data);
        chunks.AddRange(_lateControl);
        _lateControl.Clear();

        var current = new List<ISctpChunk>();
        var size = SctpPacket.CommonHeaderLength;
        foreach (var chunk in chunks)
        {
            var length = Wire.Pad4(chunk.EncodedLength);
            if (current.Count > 0 && size + length > _mtu)
            {
                packets.Add(Packet(_peerTag, [.. current]));
                current.Clear();
                size = SctpPacket.CommonHeaderLength;
            }
            current.Add(chunk);
            size += length;
        }
        if (current.Count > 0) packets.Add(Packet(_peerTag, [.. current]));
        return packets;
    }
}
