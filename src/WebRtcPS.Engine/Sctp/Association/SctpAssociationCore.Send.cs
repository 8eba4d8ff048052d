namespace WebRtcPS.Engine.Sctp;

/// <summary>The data sender (RFC 9260 §6.1-§6.3, §7.2; RFC 3758): fragmentation, TSN/SSN
/// assignment at first transmission, SACK processing with gap blocks, fast retransmit after three
/// miss indications, T3-rtx, congestion and flow control, and PR-SCTP abandonment with FORWARD-TSN.</summary>
internal sealed partial class SctpAssociationCore
{
    private readonly OutboundScheduler _pending = new();
    private readonly Dictionary<ushort, int> _pendingPerStream = [];
    private readonly Dictionary<ushort, ushort> _nextSsn = [];
    private readonly InflightQueue _inflight;
    private readonly RtoCalculator _rto;
    private CongestionController _cc;
    private uint _nextTsn;
    private uint _cumAckPoint;
    private uint _advancedPeerAckPoint;
    private uint _peerRwnd;
    private int _flightSize;
    private int _pendingChunks;
    private int _markedForRetransmit;
    private bool _fastRetransmitPending;
    private bool _forwardTsnNeeded;
    private TimeSpan? _t3At;
    private uint _t3RecoveryTsn;
    private bool _flightOutlivedT3;

    private static bool SendsData(AssociationState state) => state is AssociationState.Established
        or AssociationState.ShutdownPending or AssociationState.ShutdownReceived;

    /// <summary>Queues one user message (already validated by the driver: 1..MaxMessageSize bytes).</summary>
    public List<SctpPacket> Enqueue(ushort streamId, uint ppid, ReadOnlyMemory<byte> payload, SctpSendOptions options)
    {
        var accepts = State is AssociationState.Closed or AssociationState.CookieWait or AssociationState.CookieEchoed or AssociationState.Established;
        if (_closedForGood || !accepts || _resettingStreams.Contains(streamId) || payload.Length == 0
            || (_peerTag != 0 && streamId >= _outboundStreams))
        {
            AddDrained(streamId, payload.Length);
            return Flush();
        }
        var message = new OutboundMessage
        {
            StreamId = streamId, Ppid = ppid, Options = options,
            ExpiresAt = options.MaxLifetime is { } lifetime ? Now + lifetime : null,
        };
        for (var offset = 0; offset < payload.Length; offset += _maxFragment)
        {
            var length = Math.Min(_maxFragment, payload.Length - offset);
            var chunk = new OutboundChunk
            {
                Message = message, Payload = payload.Slice(offset, length),
                Beginning = offset == 0, Ending = offset + length == payload.Length,
            };
            message.Fragments.Add(chunk);
            _pending.Enqueue(chunk);
        }
        _pendingChunks += message.Fragments.Count;
        _pendingPerStream[streamId] = _pendingPerStream.GetValueOrDefault(streamId) + message.Fragments.Count;
        return Flush();
    }

    private void AddDrained(ushort streamId, long bytes)
    {
        if (bytes != 0) DrainedBytes[streamId] = DrainedBytes.GetValueOrDefault(streamId) + bytes;
    }

    private void DropAllPending()
    {
        foreach (var chunk in _pending.Clear())
            if (!chunk.Abandoned) AddDrained(chunk.Message.StreamId, chunk.Length);
        _pendingChunks = 0;
        _pendingPerStream.Clear();
    }

    private List<ISctpChunk> CollectData()
    {
        var chunks = new List<ISctpChunk>();
        if (!SendsData(State)) return chunks;
        var now = Now;
        var bypass = _fastRetransmitPending ? _mtu - SctpPacket.CommonHeaderLength : 0;
        _fastRetransmitPending = false;

        var restartT3 = false;
        for (var i = 0; i < _inflight.Count && _markedForRetransmit > 0; i++)
        {
            var c = _inflight[i];
            if (!c.MarkedForRetransmit) continue;
            if (bypass >= c.EncodedLength) bypass -= c.EncodedLength;
            else if (_flightSize >= _cc.Cwnd) break;
            c.MarkedForRetransmit = false;
            c.MarkedByTimeout = false;
            _markedForRetransmit--;
            Transmit(c, now, chunks);
            Retransmissions++;
            // RFC 9260 §7.2.4 step 4: retransmitting the first outstanding chunk restarts T3-rtx,
            // so the timer measures the retransmission's round trip, not the time the loss took to
            // be noticed (which, under queueing, lets T3 fire before the repair can be acknowledged).
            if (i == 0) restartT3 = true;
        }

        var probe = _probeNow;   // one new chunk beyond cwnd (SctpAssociationCore.Probe.cs)
        _probeNow = false;
        while ((_flightSize < _cc.Cwnd || probe) && _pending.TryPeek(out var c))
        {
            if (c.Message.ExpiresAt is { } expiry && now >= expiry)
            {
                Abandon(c.Message);
                continue;
            }
            if (_peerRwnd < c.Length && _flightSize > 0) break;
            _pending.Dequeue();
            _pendingChunks--;
            _pendingPerStream[c.Message.StreamId]--;
            if (c.Beginning && !c.Message.Options.Unordered)
            {
                var ssn = _nextSsn.GetValueOrDefault(c.Message.StreamId);
                c.Message.Ssn = ssn;
                _nextSsn[c.Message.StreamId] = (ushort)(ssn + 1);
            }
            c.Tsn = _nextTsn++;
            _inflight.Add(c);
            AddDrained(c.Message.StreamId, c.Length);
            Transmit(c, now, chunks);
            if (probe && _flightSize > _cc.Cwnd)
            {
                Probes++;
                chunks[^1] = ((DataChunk)chunks[^1]) with { Immediate = true };   // its SACK is what the probe is for
            }
            probe = false;
        }
        if (restartT3) _t3 = now + _rto.Rto;
        else if (chunks.Count > 0) _t3 ??= now + _rto.Rto;
        return chunks;
    }

    private void Transmit(OutboundChunk c, TimeSpan now, List<ISctpChunk> chunks)
    {
        c.Transmissions++;
        c.LastSent = now;
        c.InFlight = true;
        c.MissIndications = 0;
        c.SentBeforeTsn = _nextTsn;
        _flightSize += c.Length;
        _peerRwnd = (uint)Math.Max(0, (long)_peerRwnd - c.Length);
        chunks.Add(c.ToDataChunk());
    }

    private void TakeOutOfFlight(OutboundChunk c)
    {
        if (!c.InFlight) return;
        c.InFlight = false;
        _flightSize -= c.Length;
    }

    private static bool ShouldAbandon(OutboundChunk c, TimeSpan now) =>
        (c.Message.Options.MaxRetransmits is { } max && c.Transmissions > max) || (c.Message.ExpiresAt is { } expiry && now >= expiry);

    /// <summary>PR-SCTP (RFC 3758 §3.5): gives up on every fragment of a message.</summary>
    private void Abandon(OutboundMessage message)
    {
        if (message.Abandoned) return;
        message.Abandoned = true;
        OutboundChunk? unsentEnd = null;
        foreach (var c in message.Fragments)
        {
            if (c.Transmissions == 0)
            {
                _pendingChunks--;
                _pendingPerStream[message.StreamId]--;
                AddDrained(message.StreamId, c.Length);
                if (c.Ending) unsentEnd = c;
                continue;
            }
            TakeOutOfFlight(c);
            if (c.MarkedForRetransmit)
            {
                c.MarkedForRetransmit = false;
                _markedForRetransmit--;
            }
        }
        if (unsentEnd is not null && message.Fragments[0].Transmissions > 0 && _peerForwardTsn) SkipUnsentEnd(unsentEnd);
        UpdateAdvancedPeerAckPoint();
    }

    /// <summary>A message abandoned after its first fragments were sent (so it has its SSN) but
    /// before its end was: the receiver holds, or may still get, those fragments, and an ordered
    /// stream waits for that SSN. Only a FORWARD-TSN naming the stream and SSN (RFC 3758 §3.5 C4)
    /// releases it, and the receiver ignores a FORWARD-TSN whose New Cumulative TSN is not beyond
    /// its cumulative TSN (§3.6), which is the case once every sent fragment was acknowledged.
    /// So the unsent end takes the next TSN, abandoned and never sent: the advanced ack point moves
    /// over it (§3.5 C2) and the FORWARD-TSN covers the message whatever was acknowledged.</summary>
    private void SkipUnsentEnd(OutboundChunk end)
    {
        end.Tsn = _nextTsn++;
        _inflight.Add(end);
    }

    private void HandleSack(uint cumulative, uint aRwnd, GapAckBlock[] gaps)
    {
        if (!SendsData(State) && State is not AssociationState.ShutdownSent) return;
        if (Tsn.Lt(cumulative, _cumAckPoint) || Tsn.Gte(cumulative, _nextTsn)) return;
        var now = Now;
        var flightBefore = _flightSize;
        var bytesAcked = 0;
        var rttTaken = false;
        uint? highestNewlyAcked = null;
        var advanced = Tsn.Gt(cumulative, _cumAckPoint);

        while (_inflight.Count > 0 && Tsn.Lte(_inflight.FirstTsn, cumulative))
        {
            var c = _inflight.RemoveFirst();
            if (c.MarkedForRetransmit)
            {
                c.MarkedForRetransmit = false;
                _markedForRetransmit--;
            }
            if (c.Acked || c.Abandoned) continue;
            Acknowledge(c, now, ref bytesAcked, ref rttTaken);
            highestNewlyAcked = c.Tsn;
        }
        _cumAckPoint = cumulative;
        if (Tsn.Lt(_advancedPeerAckPoint, _cumAckPoint)) _advancedPeerAckPoint = _cumAckPoint;

        foreach (var block in gaps)
        {
            if (block.End < block.Start || block.Start == 0) continue;
            var last = Math.Min(block.End, _inflight.Count);
            for (int offset = block.Start; offset <= last; offset++)
            {
                var c = _inflight[offset - 1];
                if (c.Acked || c.Abandoned) continue;
                if (c.MarkedForRetransmit)
                {
                    c.MarkedForRetransmit = false;
                    _markedForRetransmit--;
                }
                Acknowledge(c, now, ref bytesAcked, ref rttTaken);
                if (highestNewlyAcked is not { } h || Tsn.Gt(c.Tsn, h)) highestNewlyAcked = c.Tsn;
            }
        }

        if (bytesAcked > 0) ProbeProgress();
        if (_flightOutlivedT3) UndoSpuriousTimeout();
        else if (_t3At is not null && Tsn.Gte(_cumAckPoint, _t3RecoveryTsn))
        {
            _t3At = null;   // all that was outstanding at the timeout is acknowledged, none of it late: a real loss
            _cc.ForgetTimeout();
        }
        if (highestNewlyAcked is { } htna && gaps.Length > 0) CountMissIndications(htna, now);

        if (advanced)
        {
            _cc.OnCumulativeAckAdvanced(bytesAcked, flightBefore);
            _cc.OnCumulativeAck(cumulative);
        }
        // The peer is alive: acknowledged data, or SACKs while it has no window (RFC 9260 §6.1:
        // unanswered zero-window probes must not count as errors).
        if (advanced || bytesAcked > 0 || aRwnd < _mtu) _errorCount = 0;
        _peerRwnd = (uint)Math.Max(0, (long)aRwnd - _flightSize);

        if (_inflight.Count == 0)
        {
            _t3 = null;
            _t3At = null;
            _cc.OnAllAcked();
        }
        else if (advanced) _t3 = now + _rto.Rto;
        UpdateAdvancedPeerAckPoint();
        ArmLossTimer();
    }

    private void Acknowledge(OutboundChunk c, TimeSpan now, ref int bytesAcked, ref bool rttTaken)
    {
        OnAcknowledged(c, now);
        if (_t3At is { } t3 && c.Transmissions == 1 && c.LastSent < t3) _flightOutlivedT3 = true;
        c.MarkedByTimeout = false;
        c.Acked = true;
        TakeOutOfFlight(c);
        bytesAcked += c.Length;
        if (!rttTaken && c.Transmissions == 1)
        {
            _rto.AddMeasurement(now - c.LastSent);
            rttTaken = true;
        }
    }

    /// <summary>RFC 9260 §7.2.4 with the HTNA rule: each outstanding TSN below the highest newly
    /// acknowledged one gets a miss indication; the third triggers a fast retransmission.
    /// A chunk counts a miss only from SACKs that acknowledge a TSN first sent after its own last
    /// transmission (for a first transmission that is the HTNA rule itself). §7.2.4 step 5 makes a
    /// fast-retransmitted chunk ineligible for another fast retransmit, to guard against SACKs
    /// already under way when it was resent; this rule guards against exactly those, so a lost
    /// retransmission is repaired after three more miss indications instead of by T3-rtx, which
    /// collapses cwnd to one MTU and stalls for an RTO (as usrsctp does with fast_retran_tsn).</summary>
    private void CountMissIndications(uint highestNewlyAcked, TimeSpan now)
    {
        var any = false;
        for (var i = 0; i < _inflight.Count; i++)
        {
            var c = _inflight[i];
            if (!Tsn.Lt(c.Tsn, highestNewlyAcked)) break;
            if (c.Acked || c.Abandoned || !c.InFlight) continue;
            if (Tsn.Lt(highestNewlyAcked, c.SentBeforeTsn)) continue;
            if (++c.MissIndications < 3 || !ReorderingWindowPassed(c, now)) continue;
            any |= MarkForFastRetransmit(c, now);
        }
        if (any) EnterFastRecovery();
    }

    /// <summary>A chunk judged lost is abandoned (PR-SCTP, RFC 3758 §3.5) or marked for a fast
    /// retransmission; true when marked.</summary>
    private bool MarkForFastRetransmit(OutboundChunk c, TimeSpan now)
    {
        if (ShouldAbandon(c, now))
        {
            Abandon(c.Message);
            return false;
        }
        TakeOutOfFlight(c);
        c.MarkedForRetransmit = true;
        _markedForRetransmit++;
        FastRetransmissions++;
        JudgedLost(c);
        return true;
    }

    /// <summary>RFC 9260 §7.2.4 steps 1-3: cwnd and ssthresh adjusted once per window, and the
    /// marked chunks go out ahead of new data at the next send.</summary>
    private void EnterFastRecovery()
    {
        OpenRecovery();   // SctpAssociationCore.Reordering.cs: what a spurious recovery would undo
        _cc.OnFastRetransmit(_nextTsn - 1);
        _fastRetransmitPending = true;
    }

    private void OnT3(TimeSpan now)
    {
        _t3 = null;
        if (_inflight.Count == 0 || !SendsData(State) && State != AssociationState.ShutdownSent) return;
        if (++_errorCount > _options.MaxAssociationRetransmits)
        {
            Fail("peer unreachable: too many retransmissions");
            return;
        }
        Timeouts++;
        _rto.Backoff();
        _cc.OnRetransmissionTimeout();
        for (var i = 0; i < _inflight.Count; i++)
        {
            var c = _inflight[i];
            if (c.Acked || c.Abandoned || c.MarkedForRetransmit) continue;
            if (ShouldAbandon(c, now))
            {
                Abandon(c.Message);
                continue;
            }
            TakeOutOfFlight(c);
            c.MarkedForRetransmit = true;
            c.MarkedByTimeout = true;
            _markedForRetransmit++;
        }
        _t3At = now;
        _t3RecoveryTsn = _nextTsn - 1;
        _flightOutlivedT3 = false;
        UpdateAdvancedPeerAckPoint();
        ArmLossTimer();
        _t3 = now + _rto.Rto;
    }

    /// <summary>A SACK after T3-rtx acknowledged a chunk sent once, before the timeout: the flight was
    /// not lost but late (a receiver or path stalled longer than the RTO), so the timeout was
    /// spurious, as F-RTO (RFC 5682) detects for TCP. The chunks the timeout marked and that were
    /// not yet sent again go back to the flight (lost ones are repaired by fast retransmit like any
    /// other), and the timeout's cwnd and ssthresh are undone (RFC 4015's response): without this a
    /// stall resends the whole flight, one more chunk per SACK of the backlog, all duplicates.</summary>
    private void UndoSpuriousTimeout()
    {
        _flightOutlivedT3 = false;
        _t3At = null;
        for (var i = 0; i < _inflight.Count; i++)
        {
            var c = _inflight[i];
            if (!c.MarkedByTimeout) continue;
            c.MarkedByTimeout = false;
            if (!c.MarkedForRetransmit || c.Acked || c.Abandoned) continue;
            c.MarkedForRetransmit = false;
            _markedForRetransmit--;
            c.InFlight = true;
            _flightSize += c.Length;
        }
        _cc.UndoRetransmissionTimeout();
        SpuriousTimeouts++;
    }

    /// <summary>RFC 3758 §3.5 C1-C3: move the advanced ack point over abandoned chunks and, if it
    /// passed the cumulative ack, send FORWARD-TSN.</summary>
    private void UpdateAdvancedPeerAckPoint()
    {
        if (!_peerForwardTsn) return;
        var point = Tsn.Gt(_advancedPeerAckPoint, _cumAckPoint) ? _advancedPeerAckPoint : _cumAckPoint;
        var start = point - _cumAckPoint;
        if (start > (uint)_inflight.Count) start = (uint)_inflight.Count;
        for (var i = (int)start; i < _inflight.Count; i++)
        {
            var c = _inflight[i];
            if (!c.Abandoned && !c.Acked) break;
            point = c.Tsn;
        }
        _advancedPeerAckPoint = point;
        if (Tsn.Gt(point, _cumAckPoint)) _forwardTsnNeeded = true;
    }

    private ForwardTsnChunk BuildForwardTsn()
    {
        var streams = new Dictionary<ushort, ushort>();
        for (var i = 0; i < _inflight.Count && Tsn.Lte(_inflight[i].Tsn, _advancedPeerAckPoint); i++)
        {
            var m = _inflight[i].Message;
            if (!m.Abandoned || m.Options.Unordered) continue;
            if (!streams.TryGetValue(m.StreamId, out var ssn) || Tsn.Lt(ssn, m.Ssn)) streams[m.StreamId] = m.Ssn;
        }
        return new ForwardTsnChunk(_advancedPeerAckPoint, [.. streams.Select(kv => new ForwardTsnStream(kv.Key, kv.Value))]);
    }
}
