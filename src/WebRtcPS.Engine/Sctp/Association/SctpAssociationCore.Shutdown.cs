namespace WebRtcPS.Engine.Sctp;

/// <summary>Graceful shutdown (RFC 9260 §9.2), ABORT (§9.1) and HEARTBEAT (§8.3).</summary>
internal sealed partial class SctpAssociationCore
{
    private bool _heartbeatOutstanding;

    /// <summary>Graceful close: queued data is delivered first, then SHUTDOWN.</summary>
    public List<SctpPacket> Shutdown()
    {
        if (State == AssociationState.Established) SetState(AssociationState.ShutdownPending);
        else if (State is AssociationState.Closed or AssociationState.CookieWait or AssociationState.CookieEchoed)
            SetState(AssociationState.Closed, "closed before establishment");
        return Flush();
    }

    /// <summary>Immediate close with a User-Initiated Abort cause.</summary>
    public List<SctpPacket> Abort(string reason)
    {
        if (State != AssociationState.Closed && _peerTag != 0)
            _standalone.Add(Packet(_peerTag, new AbortChunk([new ErrorCause(ErrorCauseCode.UserInitiatedAbort, System.Text.Encoding.UTF8.GetBytes(reason))])));
        SetState(AssociationState.Closed, reason);
        return Flush();
    }

    /// <summary>Nothing queued and nothing in flight: the peer has acknowledged every DATA chunk
    /// sent so far (or it was abandoned, RFC 3758).</summary>
    public bool AllSentDataAcknowledged => _pendingChunks == 0 && _inflight.Count == 0;

    private void CheckShutdownProgress()
    {
        if (State is not (AssociationState.ShutdownPending or AssociationState.ShutdownReceived)) return;
        if (_pendingChunks > 0 || _inflight.Count > 0) return;
        if (State == AssociationState.ShutdownPending)
        {
            _control.Add(new ShutdownChunk(_recv.CumulativeTsn));
            SetState(AssociationState.ShutdownSent);
        }
        else
        {
            _control.Add(new ShutdownAckChunk());
            SetState(AssociationState.ShutdownAckSent);
        }
        _t3 = _lossTimer = null;
        _t2 = Now + _rto.Rto;
    }

    private void HandleShutdown(ShutdownChunk shutdown)
    {
        switch (State)
        {
            case AssociationState.Established:
            case AssociationState.ShutdownPending:
                HandleSack(shutdown.CumulativeTsnAck, _peerRwnd + (uint)_flightSize, []);
                SetState(AssociationState.ShutdownReceived);
                break;
            case AssociationState.ShutdownReceived:
                HandleSack(shutdown.CumulativeTsnAck, _peerRwnd + (uint)_flightSize, []);
                break;
            case AssociationState.ShutdownSent:
                _control.Add(new ShutdownAckChunk());
                SetState(AssociationState.ShutdownAckSent);
                _t2 = Now + _rto.Rto;
                break;
        }
    }

    private void HandleShutdownAck()
    {
        if (State is not (AssociationState.ShutdownSent or AssociationState.ShutdownAckSent)) return;
        _standalone.Add(Packet(_peerTag, new ShutdownCompleteChunk()));
        SetState(AssociationState.Closed);
    }

    private void HandleShutdownComplete()
    {
        if (State == AssociationState.ShutdownAckSent) SetState(AssociationState.Closed);
    }

    private void HandleAbort(AbortChunk abort)
    {
        if (State == AssociationState.Closed && _peerTag == 0) return;
        var reason = string.Join("; ", abort.Causes.Select(c => c.Code == ErrorCauseCode.UserInitiatedAbort || c.Code == ErrorCauseCode.ProtocolViolation
            ? $"{c.Code}: {System.Text.Encoding.UTF8.GetString(c.Info)}" : c.Code.ToString()));
        SetState(AssociationState.Closed, $"aborted by peer ({reason})");
    }

    private void OnT2(TimeSpan now)
    {
        _t2 = null;
        if (State is not (AssociationState.ShutdownSent or AssociationState.ShutdownAckSent)) return;
        if (++_errorCount > _options.MaxAssociationRetransmits)
        {
            SetState(AssociationState.Closed, "shutdown timed out");
            return;
        }
        _rto.Backoff();
        _control.Add(State == AssociationState.ShutdownSent ? new ShutdownChunk(_recv.CumulativeTsn) : new ShutdownAckChunk());
        _t2 = now + _rto.Rto;
    }

    private void HandleHeartbeat(HeartbeatChunk heartbeat)
    {
        if (_peerTag != 0 && State != AssociationState.CookieWait) _control.Add(new HeartbeatAckChunk(heartbeat.Info));
    }

    private void HandleHeartbeatAck(HeartbeatAckChunk ack)
    {
        if (!_heartbeatOutstanding || ack.Info.Length != 8) return;
        _heartbeatOutstanding = false;
        _errorCount = 0;
        var sent = TimeSpan.FromTicks(System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(ack.Info));
        var rtt = Now - sent;
        if (rtt >= TimeSpan.Zero && rtt < _options.RtoMax) _rto.AddMeasurement(rtt);
    }

    private void OnHeartbeatTimer(TimeSpan now)
    {
        _heartbeatTimer = null;
        if (!SendsData(State)) return;
        if (_heartbeatOutstanding && ++_errorCount > _options.MaxAssociationRetransmits)
        {
            Fail("peer unreachable: heartbeats unanswered");
            return;
        }
        var info = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(info, now.Ticks);
        _control.Add(new HeartbeatChunk(info));
        _heartbeatOutstanding = true;
        _heartbeatTimer = now + _options.HeartbeatInterval + _rto.Rto;
    }
}
