namespace WebRtcPS.Engine.Sctp;

/// <summary>Stream reset (RFC 6525) as WebRTC closes data channels (RFC 8831 §6.7): an Outgoing
/// SSN Reset Request once the stream's queued data has been sent, retransmitted until answered;
/// and the peer's requests, performed once everything up to their Sender's Last Assigned TSN has
/// arrived (answered "in progress" until then).</summary>
internal sealed partial class SctpAssociationCore
{
    private readonly HashSet<ushort> _resettingStreams = [];
    private readonly List<ushort> _resetQueue = [];
    private OutgoingSsnResetRequestParameter? _resetRequest;
    private uint _nextRequestSequence;
    private uint _peerNextRequestSequence;
    private ReconfigurationResult _lastResponseResult = ReconfigurationResult.SuccessNothingToDo;
    private OutgoingSsnResetRequestParameter? _deferredReset;

    /// <summary>Resets our outgoing side of <paramref name="streamIds"/> (data already queued is sent first).</summary>
    public List<SctpPacket> ResetStreams(IEnumerable<ushort> streamIds)
    {
        if (State != AssociationState.Established) return Flush();
        foreach (var id in streamIds)
            if (_resettingStreams.Add(id)) _resetQueue.Add(id);
        return Flush();
    }

    private void TrySendReset()
    {
        if (_resetRequest is not null || _resetQueue.Count == 0 || State != AssociationState.Established) return;
        var ready = _resetQueue.Where(s => _pendingPerStream.GetValueOrDefault(s) == 0).ToArray();
        if (ready.Length == 0) return;
        if (!_peerReconfig)
        {
            foreach (var s in ready) _resetQueue.Remove(s);
            Events.Add(new StreamResetEvent(new StreamResetEventArgs(ready, StreamResetDirection.Outgoing, succeeded: false)));
            return;
        }
        foreach (var s in ready) _resetQueue.Remove(s);
        _resetRequest = new OutgoingSsnResetRequestParameter(_nextRequestSequence, _peerNextRequestSequence - 1, _nextTsn - 1, ready);
        _lateControl.Add(new ReConfigChunk([_resetRequest]));
        _reconfigTimer = Now + _rto.Rto;
    }

    private void OnReconfigTimer(TimeSpan now)
    {
        _reconfigTimer = null;
        if (_resetRequest is null || State != AssociationState.Established) return;
        _lateControl.Add(new ReConfigChunk([_resetRequest]));
        _reconfigTimer = now + _rto.Rto;
    }

    private void HandleReconfig(ReConfigChunk reconfig)
    {
        if (!SendsData(State) && State != AssociationState.ShutdownSent) return;
        foreach (var parameter in reconfig.Parameters)
        {
            switch (parameter)
            {
                case OutgoingSsnResetRequestParameter request: HandleResetRequest(request); break;
                case IncomingSsnResetRequestParameter incoming: HandleIncomingResetRequest(incoming); break;
                case ReconfigurationResponseParameter response: HandleReconfigResponse(response); break;
            }
        }
    }

    private void HandleResetRequest(OutgoingSsnResetRequestParameter request)
    {
        ReconfigurationResult result;
        if (request.RequestSequence == _peerNextRequestSequence)
        {
            if (Tsn.Lte(request.SenderLastTsn, _recv.CumulativeTsn))
            {
                PerformIncomingReset(request);
                result = ReconfigurationResult.SuccessPerformed;
            }
            else
            {
                _deferredReset = request;
                result = ReconfigurationResult.InProgress;
            }
        }
        else if (request.RequestSequence == _peerNextRequestSequence - 1) result = _lastResponseResult;
        else result = ReconfigurationResult.ErrorBadSequenceNumber;
        _control.Add(new ReConfigChunk([new ReconfigurationResponseParameter(request.RequestSequence, result)]));
    }

    private void TryPerformDeferredReset()
    {
        if (_deferredReset is not { } request || !Tsn.Lte(request.SenderLastTsn, _recv.CumulativeTsn)) return;
        PerformIncomingReset(request);
        _control.Add(new ReConfigChunk([new ReconfigurationResponseParameter(request.RequestSequence, ReconfigurationResult.SuccessPerformed)]));
    }

    private void PerformIncomingReset(OutgoingSsnResetRequestParameter request)
    {
        _deferredReset = null;
        _peerNextRequestSequence++;
        _lastResponseResult = ReconfigurationResult.SuccessPerformed;
        _reassembly.ResetStreams(request.Streams);
        Events.Add(new StreamResetEvent(new StreamResetEventArgs(request.Streams, StreamResetDirection.Incoming, succeeded: true)));
    }

    private void HandleIncomingResetRequest(IncomingSsnResetRequestParameter request)
    {
        // The peer asks us to reset our outgoing streams: do so with our own Outgoing SSN Reset Request.
        ReconfigurationResult result;
        if (request.RequestSequence == _peerNextRequestSequence)
        {
            _peerNextRequestSequence++;
            _lastResponseResult = result = ReconfigurationResult.SuccessPerformed;
            foreach (var id in request.Streams)
                if (_resettingStreams.Add(id)) _resetQueue.Add(id);
        }
        else if (request.RequestSequence == _peerNextRequestSequence - 1) result = _lastResponseResult;
        else result = ReconfigurationResult.ErrorBadSequenceNumber;
        _control.Add(new ReConfigChunk([new ReconfigurationResponseParameter(request.RequestSequence, result)]));
    }

    private void HandleReconfigResponse(ReconfigurationResponseParameter response)
    {
        if (_resetRequest is not { } request || response.ResponseSequence != request.RequestSequence) return;
        if (response.Result == ReconfigurationResult.InProgress)
        {
            _reconfigTimer = Now + _rto.Rto;
            return;
        }
        var ok = response.Result is ReconfigurationResult.SuccessPerformed or ReconfigurationResult.SuccessNothingToDo;
        foreach (var s in request.Streams)
        {
            if (ok) _nextSsn.Remove(s);
            _resettingStreams.Remove(s);
        }
        _resetRequest = null;
        _nextRequestSequence++;
        _reconfigTimer = null;
        Events.Add(new StreamResetEvent(new StreamResetEventArgs(request.Streams, StreamResetDirection.Outgoing, ok)));
    }
}
