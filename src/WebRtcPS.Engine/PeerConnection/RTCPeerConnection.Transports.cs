using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.Runtime;
using WebRtcPS.Engine.Sctp;

namespace WebRtcPS.Engine.PeerConnection;

public sealed partial class RTCPeerConnection
{
    /// <summary>On the loop: the agent, created once with the role of the first description
    /// (RFC 8445 §6.1.1: the offerer controls; a conflict is still resolved at run time).</summary>
    private void EnsureAgent(RTCIceRole role)
    {
        if (_agent is not null) return;
        _agent = new IceAgent(IceOptions(_config, role, _localIce, _relaySource), _network, _time);
        var agent = _agent;
        _icePump = Task.Run(() => PumpIceEventsAsync(agent));
    }

    /// <summary>The agent's events, in order, onto the loop.</summary>
    private async Task PumpIceEventsAsync(IceAgent agent)
    {
        await foreach (var e in agent.Events.ReadAllAsync().ConfigureAwait(false)) _loop.Post(() => OnIceEvent(e));
    }

    /// <summary>On the loop: an ICE event into the event stream and the W3C states.</summary>
    private void OnIceEvent(IceEvent e)
    {
        _events.Writer.TryWrite(new PeerConnectionIceEvent(e.Timestamp, e.Elapsed, e));
        if (_closed) return;
        switch (e)
        {
            case IceCandidateGatheredEvent g:
                SetupTrace.Mark("pc.loop.candidate");
                Raise(OnIceCandidate, new RTCPeerConnectionIceEventArgs(g.Candidate, _remote?.Mid ?? DefaultMid, g.Url));
                break;
            case IceEndOfCandidatesEvent:
                Raise(OnIceCandidate, new RTCPeerConnectionIceEventArgs(null, _remote?.Mid ?? DefaultMid, null));
                break;
            case IceGatheringStateChangedEvent gs:
                _iceGatheringState = gs.State;
                Raise(OnIceGatheringStateChange, gs.State);
                break;
            case IceStateChangedEvent s:
                _iceStateReason = s.Reason;
                var state = (RTCIceConnectionState)(int)s.NewState;
                if (state != _iceConnectionState)
                {
                    _iceConnectionState = state;
                    Publish(now => new IceConnectionStateChangedEvent(now.Time, now.Elapsed, state));
                    Raise(OnIceConnectionStateChange, state);
                }
                UpdateConnectionState();
                break;
        }
    }

    /// <summary>On the loop, once stable: DTLS, SCTP and the data channels start in the background.</summary>
    private void StartTransportsIfReady()
    {
        if (_transportTask is not null || _agent is not { } agent || _remote is not { } remote || NegotiatedDtlsRole is not { } role) return;
        var ct = _cts.Token;
        var early = TakeEarlyDtlsServer(role, remote.Fingerprints);
        _transportTask = Task.Run(() => RunTransportsAsync(agent, remote, role, early, ct));
    }

    /// <summary>Off the loop (it waits for ICE, and DTLS's handshake blocks a thread of its own);
    /// what it changes is posted to the loop, in order.</summary>
    private async Task RunTransportsAsync(IceAgent agent, Sdp.DataChannelSessionDescription remote, DtlsRole role, EarlyDtlsServer? early, CancellationToken ct)
    {
        try
        {
            // DTLS waits for a valid pair (a ClientHello sent before would be dropped and cost a
            // retransmission, 1 s), not for the nomination: the controlled side starts when its
            // first check succeeds, the controlling side without waiting for its nominating check.
            // The DTLS thread is made now and waits for that pair, so no thread start delays the first flight.
            // An ICE failure before then is not the end: restartIce() (ours, or the peer's new
            // offer) takes the agent back to checking, and DTLS starts on the new generation's
            // pair (RFC 8445 §9); only close ends this wait.
            // The offerer's server may be running already (RTCPeerConnection.EarlyDtls.cs): same wait, same thread.
            var ready = early?.Ready ?? RouteReady(agent, ct);
            // Our DTLS client may send before the server's Finished (False Start, RFC 7918): SCTP's
            // INIT then leaves with our Finished and the server's INIT-ACK comes back with its own,
            // two transits fewer. The association is made as soon as the transport exists and is
            // started in EarlySend's handler, on DTLS's thread while it holds flight 5 (when ICE has
            // selected: a channel never opens while ICE is still checking), so the INIT rides in the
            // flight's datagram. The task's awaiter runs on DTLS's thread, as the handshake's does.
            var earlySend = new TaskCompletionSource<IDtlsTransport>();
            SctpAssociation? prepared = null;
            var preparedStarted = 0;
            var handshake = early?.Handshake ?? DtlsTransports.StartWhenReadyAsync(agent.Transport,
                DtlsOptions(_config, role, _certificate, remote.Fingerprints) with
                {
                    Created = role == W3C.DtlsRole.Client ? t => Volatile.Write(ref prepared, NewSctp(t, remote)) : null,
                    EarlySend = t =>
                    {
                        if (Volatile.Read(ref prepared) is { } association && IsSelected(agent)
                            && Interlocked.Exchange(ref preparedStarted, 1) == 0)
                            StartPreparedSctp(association, role);
                        earlySend.TrySetResult(t);
                    },
                }, ready, ct);
            if (!await ready.ConfigureAwait(false))
            {
                try
                {
                    await handshake.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // ICE failed or closed, or the connection closed, before a pair was valid: the thread has ended.
                }
                if (prepared is not null) await prepared.DisposeAsync().ConfigureAwait(false);
                return;
            }

            SetDtlsState(RTCDtlsTransportState.Connecting, role, null);
            SctpAssociation? sctp = null;
            if (early is null && role == W3C.DtlsRole.Client)
            {
                await Task.WhenAny(handshake, earlySend.Task).ConfigureAwait(false);
                // SCTP waits for a selected pair either way (below); the controlled side usually has it by now.
                if (Volatile.Read(ref preparedStarted) == 1)
                {
                    sctp = prepared;
                }
                else if (!handshake.IsCompleted && earlySend.Task.IsCompleted && IsSelected(agent)
                    && Interlocked.Exchange(ref preparedStarted, 1) == 0)
                {
                    sctp = await StartSctpAsync(earlySend.Task.Result, remote, role, announce: false, prepared).ConfigureAwait(false);
                    if (sctp is null) return;   // closed meanwhile
                }
            }
            IDtlsTransport dtls;
            try
            {
                dtls = await handshake.ConfigureAwait(false);
                SetupTrace.Mark("pc.dtls-done");
            }
            catch (DtlsException ex)
            {
                if ((sctp ?? prepared) is { } association) await association.DisposeAsync().ConfigureAwait(false);
                SetDtlsState(RTCDtlsTransportState.Failed, role, $"DTLS {ex.Error}: {ex.Message}");
                return;
            }

            var closed = await _loop.InvokeAsync(() =>
            {
                if (!_closed) _dtls = dtls;
                return _closed;
            }).ConfigureAwait(false);
            if (closed)
            {
                if ((sctp ?? prepared) is { } association) await association.DisposeAsync().ConfigureAwait(false);
                await dtls.DisposeAsync().ConfigureAwait(false);
                return;
            }
            dtls.StateChanged += (_, s) => SetDtlsState(s, role, s == RTCDtlsTransportState.Failed ? $"DTLS {dtls.Error?.Error}: {dtls.Error?.Message}" : null);
            SetDtlsState(RTCDtlsTransportState.Connected, role, $"{role}, {dtls.CipherSuite}, peer certificate {dtls.RemoteFingerprint}");
            if (sctp is not null)
            {
                // Announced after DTLS's Connected, in order. A server that dropped the early INIT
                // gets it again soon, not after T1's second.
                _loop.Post(() => PublishSctpConnecting(remote));
                sctp.ExpectInitAckWithin(EarlyInitAckWait);
                return;
            }

            // SCTP (and so every channel's open) waits for a selected pair, as before DTLS could run
            // on the early route: a channel is never open while ICE is still checking. Nomination
            // happens during the handshake, so this rarely waits.
            if (!IsSelected(agent))
            {
                var selected = await agent.WaitForStateAsync(s => s is RTCIceTransportState.Connected or RTCIceTransportState.Completed
                    or RTCIceTransportState.Failed or RTCIceTransportState.Closed, ct).ConfigureAwait(false);
                if (selected is RTCIceTransportState.Failed or RTCIceTransportState.Closed)
                {
                    if (prepared is not null) await prepared.DisposeAsync().ConfigureAwait(false);
                    return;
                }
            }
            await StartSctpAsync(dtls, remote, role, announce: true, prepared).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            if (_config.Logger is { } logger) PeerConnectionLog.SetupFailed(logger, ex);
            SetDtlsState(RTCDtlsTransportState.Failed, role, $"internal error: {ex.Message}");
        }
    }

    /// <summary>How long an INIT sent on DTLS False Start waits for its INIT-ACK once the handshake
    /// is over before it is sent again (the INIT-ACK normally comes with the server's Finished).</summary>
    private static readonly TimeSpan EarlyInitAckWait = TimeSpan.FromMilliseconds(10);

    private static bool IsSelected(IceAgent agent) => agent.State is RTCIceTransportState.Connected or RTCIceTransportState.Completed;

    /// <summary>A new association over <paramref name="dtls"/>, not started.</summary>
    private SctpAssociation NewSctp(IDtlsTransport dtls, Sdp.DataChannelSessionDescription remote)
    {
        var remoteMax = remote.MaxMessageSize switch { 0 => 0, > int.MaxValue => int.MaxValue, var n => (int)n };
        return new SctpAssociation(dtls, SctpOptions(_config, (ushort)remote.SctpPort, remoteMax), logger: _config.Logger);
    }

    /// <summary>Publishes the association's states from the loop, as they come.</summary>
    private void FollowSctp(SctpAssociation sctp) =>
        sctp.StateChanged += (_, s) => _loop.Post(() =>
        {
            _sctpState = s;
            Publish(now => new SctpStateChangedEvent(now.Time, now.Elapsed, s, s == RTCSctpTransportState.Closed ? sctp.CloseReason : null));
        });

    /// <summary>Starts an association made ahead (<see cref="NewSctp"/>) on this thread, now: DTLS's
    /// thread on False Start, holding flight 5 for the INIT. It becomes the connection's on the loop,
    /// in order before its first state; one that finds the connection closed there is disposed.</summary>
    private void StartPreparedSctp(SctpAssociation sctp, DtlsRole role)
    {
        _loop.Post(() =>
        {
            if (_closed)
            {
                _ = sctp.DisposeAsync().AsTask();
                return;
            }
            _sctp = sctp;
            _sctpState = RTCSctpTransportState.Connecting;
        });
        FollowSctp(sctp);
        _channels.Attach(sctp, role == W3C.DtlsRole.Client);
        SetupTrace.Mark("pc.sctp-start");
        sctp.Start();
    }

    /// <summary>The association over <paramref name="dtls"/> (<paramref name="prepared"/> when one was
    /// made ahead), made the connection's and started (INIT out); null when the connection closed
    /// meanwhile. Its Connecting state is published now, or (<paramref name="announce"/> false:
    /// started on False Start) once DTLS is connected.</summary>
    private async Task<SctpAssociation?> StartSctpAsync(IDtlsTransport dtls, Sdp.DataChannelSessionDescription remote, DtlsRole role, bool announce,
        SctpAssociation? prepared = null)
    {
        var sctp = prepared ?? NewSctp(dtls, remote);
        FollowSctp(sctp);
        var closed = await _loop.InvokeAsync(() =>
        {
            if (_closed) return true;
            _sctp = sctp;
            _sctpState = RTCSctpTransportState.Connecting;
            if (announce) PublishSctpConnecting(remote);
            return false;
        }).ConfigureAwait(false);
        if (closed)
        {
            await sctp.DisposeAsync().ConfigureAwait(false);
            return null;
        }
        _channels.Attach(sctp, role == W3C.DtlsRole.Client);
        SetupTrace.Mark("pc.sctp-start");
        sctp.Start();
        return sctp;
    }

    /// <summary>On the loop.</summary>
    private void PublishSctpConnecting(Sdp.DataChannelSessionDescription remote) =>
        Publish(now => new SctpStateChangedEvent(now.Time, now.Elapsed, RTCSctpTransportState.Connecting,
            $"ports {Sdp.SctpMediaSection.DefaultSctpPort} -> {remote.SctpPort}, peer max-message-size {remote.MaxMessageSize}"));

    /// <summary>True once ICE has a valid pair to carry DTLS (completed on ICE's thread, so a held
    /// first flight leaves from there); false when ICE closed or <paramref name="ct"/> ended the wait.</summary>
    private static Task<bool> RouteReady(IceAgent agent, CancellationToken ct) =>
        agent.WaitForDataRouteAsync(ct).ContinueWith(static t =>
            {
                SetupTrace.Mark("pc.route");
                return t.IsCompletedSuccessfully && t.Result is not RTCIceTransportState.Closed;
            },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <summary>From the transports' task or the DTLS transport's event: posted to the loop, in order.</summary>
    private void SetDtlsState(RTCDtlsTransportState state, DtlsRole role, string? detail) => _loop.Post(() =>
    {
        if (_closed || _dtlsState == state) return;
        _dtlsState = state;
        if (state == RTCDtlsTransportState.Failed) _failureReason ??= detail;
        if (_config.Logger is { } logger) PeerConnectionLog.DtlsState(logger, state, role, detail ?? "");
        Publish(now => new DtlsStateChangedEvent(now.Time, now.Elapsed, state, role, detail));
        UpdateConnectionState();
    });

    /// <summary>On the loop: W3C connectionState from the ICE and DTLS transports (webrtc-pc §4.3.3).</summary>
    private void UpdateConnectionState()
    {
        var ice = _iceConnectionState;
        var dtls = _dtlsState;
        RTCPeerConnectionState next;
        if (_closed) next = RTCPeerConnectionState.Closed;
        else if (ice == RTCIceConnectionState.Failed || dtls == RTCDtlsTransportState.Failed) next = RTCPeerConnectionState.Failed;
        else if (ice == RTCIceConnectionState.Disconnected) next = RTCPeerConnectionState.Disconnected;
        else if (ice is RTCIceConnectionState.New or RTCIceConnectionState.Closed && dtls is RTCDtlsTransportState.New or RTCDtlsTransportState.Closed)
            next = RTCPeerConnectionState.New;
        else if (ice is RTCIceConnectionState.New or RTCIceConnectionState.Checking || dtls is RTCDtlsTransportState.New or RTCDtlsTransportState.Connecting)
            next = RTCPeerConnectionState.Connecting;
        else next = RTCPeerConnectionState.Connected;

        if (next == _connectionState) return;
        _connectionState = next;
        string? reason = null;
        if (next == RTCPeerConnectionState.Failed)
        {
            if (ice == RTCIceConnectionState.Failed) _failureReason ??= $"ICE failed: {_iceStateReason}";
            reason = _failureReason;
        }
        Publish(now => new ConnectionStateChangedEvent(now.Time, now.Elapsed, next, reason));
        if (_config.Logger is { } log) PeerConnectionLog.ConnectionState(log, next, reason is null ? "" : ": " + reason);
        if (!_closed) Raise(OnConnectionStateChange, next);
        for (var i = _waiters.Count - 1; i >= 0; i--)
        {
            if (_waiters[i].Condition(next))
            {
                _waiters[i].Completion.TrySetResult(next);
                _waiters.RemoveAt(i);
            }
        }
        // Channels close with the reason when DTLS failed: the transport under them is gone. An
        // ICE failure leaves them as they are, as browsers do, before DTLS (they open once a
        // restart connects) or after it (consent expired: restartIce() may bring the path back,
        // and SCTP gives up on its own if it never does). SeedPeer, which cannot restart before
        // its channel opened, closes them itself.
        if (next == RTCPeerConnectionState.Failed && dtls == RTCDtlsTransportState.Failed) _channels.CloseAll(reason);
    }

    /// <summary>W3C close(): closes the data channels, SCTP (ABORT), DTLS (close_notify) and ICE.
    /// No state-change events are raised to the W3C handlers (as the spec says); <see cref="Events"/>
    /// still records them. Returns at once; <see cref="CloseAsync"/> waits for the teardown.</summary>
    public void Close() => _ = CloseAsync();

    /// <summary>Closes (see <see cref="Close"/>) and waits until every layer has stopped.</summary>
    public Task CloseAsync() => _loop.Invoke(() =>
    {
        if (_closeTask is not null) return _closeTask;
        _closed = true;
        _signalingState = RTCSignalingState.Closed;
        Publish(now => new SignalingStateChangedEvent(now.Time, now.Elapsed, RTCSignalingState.Closed, "close()"));
        _iceConnectionState = RTCIceConnectionState.Closed;
        UpdateConnectionState();
        _closeTask = TeardownAsync();
        return _closeTask;
    });

    private async Task TeardownAsync()
    {
        await Task.Yield();
        _cts.Cancel();
        _channels.CloseAll(null);
        var (agent, transportTask, icePump) = await _loop.InvokeAsync(() => (_agent, _transportTask, _icePump)).ConfigureAwait(false);
        if (transportTask is not null) await transportTask.ConfigureAwait(false);
        await EndEarlyDtlsServerAsync().ConfigureAwait(false);
        // The transports' task has ended: what it made is all there is.
        var (sctp, dtls) = await _loop.InvokeAsync(() => (_sctp, _dtls)).ConfigureAwait(false);
        await Ignore(async () =>
        {
            if (sctp is null) return;
            sctp.Abort("the peer connection was closed");
            await sctp.DisposeAsync().ConfigureAwait(false);
        }).ConfigureAwait(false);
        await Ignore(async () =>
        {
            if (dtls is null) return;
            await dtls.CloseAsync().ConfigureAwait(false);
            await dtls.DisposeAsync().ConfigureAwait(false);
        }).ConfigureAwait(false);
        await Ignore(async () =>
        {
            if (agent is not null) await agent.DisposeAsync().ConfigureAwait(false);
        }).ConfigureAwait(false);
        if (icePump is not null) await Ignore(() => icePump).ConfigureAwait(false);
        await _loop.InvokeAsync(() =>
        {
            foreach (var waiter in _waiters) waiter.Completion.TrySetResult(RTCPeerConnectionState.Closed);
            _waiters.Clear();
            _events.Writer.TryComplete();
        }).ConfigureAwait(false);
        _userEvents.Writer.TryComplete();
        await _userPump.ConfigureAwait(false);
        _cts.Dispose();
    }

    private async Task Ignore(Func<Task> action)
    {
        try
        {
            await action().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            if (_config.Logger is { } logger) PeerConnectionLog.IgnoredDuringClose(logger, ex);
        }
    }

    /// <summary>Closes the connection (<see cref="CloseAsync"/>).</summary>
    public async ValueTask DisposeAsync() => await CloseAsync().ConfigureAwait(false);
}
