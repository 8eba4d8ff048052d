using WebRtcPS.Engine.PeerConnection;
using WebRtcPS.Engine.Sdp;

namespace WebRtcPS.Signaling.Peers;

// ICE restart over the seed protocol (RFC 8445 §9; webrtc-pc restartIce()). The seed protocol
// sends offers one way, offerer to answerer (the original's offerer handles only answers and
// candidates), so the offerer restarts: new ICE credentials in a new offer, the answer, and the
// candidates of the new generation trickled as before. The answerer answers every later offer
// (new credentials restart its side too, before the answer) and can only wait for the
// offerer's restart. DTLS, SCTP and the data channel carry on over the new selected pair.
public sealed partial class SeedPeer
{
    /// <summary>The restart under way (RestartIceAsync), fed by the connection's event pump.</summary>
    private RestartWatch? _restart;

    /// <summary>How many times ICE restarted (ours or the peer's).</summary>
    public int IceRestarts => Volatile.Read(ref _iceRestarts);

    private int _iceRestarts;

    /// <summary>
    /// Restarts ICE and waits until the new generation has selected a pair and the connection is
    /// connected. The offerer restarts (<see cref="RTCPeerConnection.RestartIce"/>) and sends a new
    /// offer with the new ice-ufrag/ice-pwd; the answerer, which cannot send offers in the seed
    /// protocol, waits for the offerer's next restart and answers it. A connection that failed
    /// (consent expired) keeps its data channel, which this brings back. Failure or
    /// <paramref name="timeout"/> throws <see cref="SeedPeerException"/> with the diagnosis.
    /// </summary>
    /// <exception cref="InvalidOperationException">Not connected yet, or a restart is already under way.</exception>
    public async Task RestartIceAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (_pc is not { } pc || !_open.Task.IsCompletedSuccessfully)
            throw new InvalidOperationException($"Peer '{Id}' has not connected; ICE restart needs a connection (ConnectAsync).");
        var watch = new RestartWatch();
        if (Interlocked.CompareExchange(ref _restart, watch, null) is not null)
            throw new InvalidOperationException($"An ICE restart of '{Id}' is already under way.");
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _life.Token);
        attempt.CancelAfter(timeout);
        try
        {
            if (_options.Role == SeedPeerRole.Offerer)
            {
                pc.RestartIce();
                var offer = pc.CreateOffer();
                SetLocalOffer(pc, offer);
            }
            var failure = await watch.Selected.Task.WaitAsync(attempt.Token).ConfigureAwait(false);
            if (failure is not null) throw await FailAsync(SeedPeerError.ConnectionFailed, $"The ICE restart did not connect: {failure}.").ConfigureAwait(false);
            var state = await pc.WaitForConnectionStateAsync(s => s is RTCPeerConnectionState.Connected or RTCPeerConnectionState.Failed or RTCPeerConnectionState.Closed, attempt.Token).ConfigureAwait(false);
            if (state != RTCPeerConnectionState.Connected)
                throw await FailAsync(SeedPeerError.ConnectionFailed, $"The connection {state.ToWireName()} after the ICE restart{(pc.FailureReason is { } why ? ": " + why : "")}.").ConfigureAwait(false);
            // The new offer's (or answer's) POST can return after the new pair is selected on a
            // loaded machine; its "sent" event belongs to the restart, as in ConnectAsync.
            await (await Task.WhenAny(watch.DescriptionSent.Task, _failed.Task).WaitAsync(attempt.Token).ConfigureAwait(false)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !_life.IsCancellationRequested)
        {
            var what = !watch.Started.Task.IsCompleted
                ? $"'{RemoteId}' did not restart ICE (in the seed protocol only the offerer sends offers: restart it there)"
                : pc.SignalingState == RTCSignalingState.HaveLocalOffer
                    ? $"no answer came from '{RemoteId}'"
                    : "no candidate pair of the new ICE generation was selected";
            throw await FailAsync(SeedPeerError.Timeout, $"The ICE restart timed out after {timeout.TotalSeconds:0.#} s: {what}.").ConfigureAwait(false);
        }
        catch (RTCDomException ex)
        {
            throw await FailAsync(SeedPeerError.Protocol, $"The ICE restart could not be negotiated: {ex.Message}", ex).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.CompareExchange(ref _restart, null, watch);
        }
    }

    /// <summary><see cref="RestartIceAsync(TimeSpan, CancellationToken)"/>, handing every event to
    /// <paramref name="onEvent"/> (on a pool thread, in order) before this returns or throws; events
    /// not read since the connect (a consent failure's states) come first.</summary>
    public Task RestartIceAsync(TimeSpan timeout, Action<SeedPeerEvent> onEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onEvent);
        return WithEventsAsync(() => RestartIceAsync(timeout, cancellationToken), onEvent);
    }

    /// <summary>Answerer: a later offer from the offerer. New ICE credentials are its ICE restart,
    /// which SetRemoteDescription applies to our side before the answer is made.</summary>
    private void AnswerRestartOffer(RTCPeerConnection pc, SignalingMessage message)
    {
        pc.SetRemoteDescription(new RTCSessionDescription(RTCSdpType.Offer, message.Content));
        FlushHeld();
        var answer = pc.CreateAnswer();
        Post(SignalingMessage.Answer, answer.Sdp);
        pc.SetLocalDescription(answer);
    }

    /// <summary>From the event pump: the agent restarted (ours, or the peer's offer).</summary>
    private void OnRestartStarted()
    {
        Interlocked.Increment(ref _iceRestarts);
        Volatile.Read(ref _restart)?.Started.TrySetResult();
    }

    /// <summary>From the outbox: an offer or answer was sent; during a restart, the restart's.</summary>
    private void OnDescriptionSent()
    {
        _descriptionSent.TrySetResult();
        Volatile.Read(ref _restart)?.DescriptionSent.TrySetResult();
    }

    /// <summary>From the event pump: a pair was selected; after a restart, the new generation's.</summary>
    private void OnRestartSelected()
    {
        if (Volatile.Read(ref _restart) is { } watch && watch.Started.Task.IsCompleted) watch.Selected.TrySetResult(null);
    }

    /// <summary>From the event pump: the connection failed or closed; during a restart, it failed.</summary>
    private void OnRestartFailed(RTCPeerConnectionState state, string? reason)
    {
        if (Volatile.Read(ref _restart) is { } watch && (watch.Started.Task.IsCompleted || state == RTCPeerConnectionState.Closed))
            watch.Selected.TrySetResult($"the connection {state.ToWireName()}{(reason is null ? "" : ": " + reason)}");
    }

    private sealed class RestartWatch
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        /// <summary>Null when the new generation selected a pair, else why the restart failed.</summary>
        public TaskCompletionSource<string?> Selected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        /// <summary>Set once the server has taken the restart's offer (offerer) or answer (answerer).</summary>
        public TaskCompletionSource DescriptionSent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
