using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WebRtcPS.Engine.DataChannels;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.PeerConnection;
using WebRtcPS.Engine.Sdp;
using WebRtcPS.Signaling.Client;

namespace WebRtcPS.Signaling.Peers;

/// <summary>
/// The original tool's client (SEED-PROTOCOL.md), on our RTCPeerConnection: registers with the
/// signaling server, then as offerer opens the data channel, sends the offer and trickles its
/// candidates, or as answerer waits for the offer and answers; remote candidates that arrive
/// before the remote description are held. Once the channel opens it sends the greeting and
/// (by default) waits for the remote one. Everything it sees goes to <see cref="Events"/>.
/// </summary>
public sealed partial class SeedPeer : IAsyncDisposable
{
    private readonly SeedPeerOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<SeedPeerEvent> _events = Channel.CreateUnbounded<SeedPeerEvent>(new() { SingleReader = true });
    private readonly Channel<SeedPeerMessage> _inbox = Channel.CreateUnbounded<SeedPeerMessage>();
    private readonly Channel<SignalingMessage> _outbox = Channel.CreateUnbounded<SignalingMessage>(new() { SingleReader = true });
    private readonly Dictionary<SeedPeerMachine, string> _states = new();
    private readonly TaskCompletionSource<RTCDataChannel> _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // Set once the server has taken our first offer or answer and its event is emitted.
    private readonly TaskCompletionSource _descriptionSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _life = new();
    private readonly Stopwatch _clock = new();
    private readonly List<Task> _loops = [];
    private RTCPeerConnection? _pc;
    private PendingCandidateBuffer? _pending;
    private readonly Func<string, ISignalingChannel>? _connectSignaling;   // null: HTTP to the options' server
    private ISignalingChannel? _signaling;
    private RTCDataChannel? _channel;
    private long _offerCreatedAt;
    private Task _localOffer = Task.CompletedTask;   // completes once our latest offer is the local description
    private int _connectStarted;
    private int _disposed;

    /// <summary>A peer that logs nothing. Its own overload, so that a caller (the module's
    /// cmdlets) binds to a signature without Microsoft.Extensions.Logging types.</summary>
    public SeedPeer(SeedPeerOptions options)
        : this(options, (ILogger?)null)
    {
    }

    /// <summary>A peer that logs to <paramref name="logger"/>.</summary>
    /// <param name="options">Role, ids, signaling server and ICE settings (validated here).</param>
    /// <param name="logger">Where the peer logs; when null, the configuration's logger (where its connection logs), else nothing.</param>
    public SeedPeer(SeedPeerOptions options, ILogger? logger)
    {
        _options = (options ?? throw new ArgumentNullException(nameof(options))).Validate();
        _logger = logger ?? _options.Configuration.Logger ?? NullLogger.Instance;
    }

    /// <summary>A peer that signals through <paramref name="signaling"/>, a path inside this
    /// process, instead of an HTTP server (<see cref="SeedPeerOptions.SignalingUri"/> is not used).</summary>
    internal SeedPeer(SeedPeerOptions options, InProcessSignaling signaling)
        : this(options, (signaling ?? throw new ArgumentNullException(nameof(signaling))).Connect)
    {
    }

    /// <summary>A peer that signals through the channel <paramref name="connect"/> opens for its id.</summary>
    internal SeedPeer(SeedPeerOptions options, Func<string, ISignalingChannel> connect)
        : this(options, (ILogger?)null)
    {
        _connectSignaling = connect ?? throw new ArgumentNullException(nameof(connect));
    }

    /// <summary>_options; => The validated options.</summary>
    public SeedPeerOptions Options => _options;
    /// <summary>This peer's signaling id.</summary>
    public string Id => _options.EffectiveId;
    /// <summary>The other peer's signaling id.</summary>
    public string RemoteId => _options.EffectiveRemoteId;
    /// <summary>When ConnectAsync started.</summary>
    public DateTimeOffset StartTime { get; private set; }

    /// <summary>Everything the peer does, in order. One reader.</summary>
    public ChannelReader<SeedPeerEvent> Events => _events.Reader;

    /// <summary>Data-channel messages received and not consumed by the greeting exchange.</summary>
    public ChannelReader<SeedPeerMessage> Messages => _inbox.Reader;

    /// <summary>The peer connection, once created.</summary>
    public RTCPeerConnection? Connection => _pc;
    /// <summary>The data channel, once created (offerer) or received (answerer).</summary>
    public RTCDataChannel? DataChannel => _channel;

    /// <summary>The remote's first message, when <see cref="SeedPeerOptions.WaitForRemoteGreeting"/>.</summary>
    public SeedPeerMessage? RemoteGreeting { get; private set; }

    /// <summary>From the offer being created (offerer) or received (answerer) to the channel open.</summary>
    public TimeSpan? SetupTime { get; private set; }

    /// <summary>From the offer being created (offerer) or received (answerer) to the attempt's
    /// failure; null unless it failed after an offer.</summary>
    public TimeSpan? FailedAfter { get; private set; }

    /// <summary>Time from the start to the channel being open.</summary>
    public TimeSpan? OpenedAfter { get; private set; }

    /// <summary>_clock.Elapsed; => Time since the peer was started.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>
    /// Signals, negotiates and connects; completes once the channel is open and the greetings are
    /// exchanged. Failure or <paramref name="timeout"/> throws <see cref="SeedPeerException"/> with
    /// the diagnosis; the caller's cancellation throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public async Task ConnectAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _connectStarted, 1) != 0) throw new InvalidOperationException("ConnectAsync was already called on this peer.");
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        _clock.Start();
        StartTime = DateTimeOffset.Now;

        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _life.Token);
        attempt.CancelAfter(timeout);
        try
        {
            await RunConnectAsync(attempt.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !_life.IsCancellationRequested)
        {
            var what = _channel?.ReadyState == RTCDataChannelState.Open
                ? $"the channel opened but no greeting came from '{RemoteId}'"
                : _pc?.RemoteDescription is null
                    ? $"no {(_options.Role == SeedPeerRole.Offerer ? "answer" : "offer")} came from '{RemoteId}'"
                    : "the connection did not open";
            throw await FailAsync(SeedPeerError.Timeout, $"Timed out after {timeout.TotalSeconds:0.#} s: {what}.").ConfigureAwait(false);
        }
        catch (SeedPeerException)
        {
            throw;
        }
        catch (SignalingException ex)
        {
            throw await FailAsync(SeedPeerError.Signaling, $"Signaling failed: {ex.Message}", ex).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// <see cref="ConnectAsync(TimeSpan, CancellationToken)"/>, handing every event of the attempt
    /// to <paramref name="onEvent"/> (on a pool thread, in order) — including those emitted just
    /// before it ended — before this returns or throws.
    /// </summary>
    public async Task ConnectAsync(TimeSpan timeout, Action<SeedPeerEvent> onEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onEvent);
        await WithEventsAsync(() => ConnectAsync(timeout, cancellationToken), onEvent).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="work"/>, handing every event to <paramref name="onEvent"/> (on a
    /// pool thread, in order) until it ends, those emitted just before it ended included.</summary>
    private async Task WithEventsAsync(Func<Task> work, Action<SeedPeerEvent> onEvent)
    {
        using var attemptOver = new CancellationTokenSource();
        var pump = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in Events.ReadAllAsync(attemptOver.Token).ConfigureAwait(false)) onEvent(e);
            }
            catch (OperationCanceledException)
            {
            }
            while (Events.TryRead(out var e)) onEvent(e);
        }, CancellationToken.None);
        try
        {
            await work().ConfigureAwait(false);
        }
        finally
        {
            attemptOver.Cancel();
            await pump.ConfigureAwait(false);
        }
    }

    private async Task RunConnectAsync(CancellationToken ct)
    {
        var pc = new RTCPeerConnection(_options.Configuration);
        _pc = pc;
        _pending = new PendingCandidateBuffer(pc);
        pc.OnIceCandidate += (_, e) =>
        {
            // The seed protocol has no end-of-candidates message; the peer's timers cover it.
            if (e.Candidate is { } c) Post(SignalingMessage.Candidate, e.CandidateLine!);
        };
        pc.OnDataChannel += (_, channel) =>
        {
            if (_channel is null) Attach(channel);
        };
        _loops.Add(Task.Run(() => PumpConnectionEventsAsync(pc, _life.Token), CancellationToken.None)); // (each loop watches _life itself)

        _signaling = _connectSignaling?.Invoke(Id) ?? new SignalingClient(_options.SignalingUri, Id, _options.SignalingClient, logger: _logger);
        _loops.Add(Task.Run(() => SendLoopAsync(_signaling, _life.Token), CancellationToken.None));
        _loops.Add(Task.Run(() => ReceiveLoopAsync(_signaling, _life.Token), CancellationToken.None));

        if (_options.Role == SeedPeerRole.Offerer)
        {
            Attach(pc.CreateDataChannel(_options.ChannelLabel, _options.ChannelInit));
            var offer = pc.CreateOffer();
            _offerCreatedAt = Stopwatch.GetTimestamp();
            SetLocalOffer(pc, offer);
        }

        var open = await Task.WhenAny(_open.Task, _failed.Task).WaitAsync(ct).ConfigureAwait(false);
        await open.ConfigureAwait(false); // rethrows a failure
        var channel = _open.Task.Result;
        OpenedAfter = _clock.Elapsed;
        if (_offerCreatedAt != 0) SetupTime = Stopwatch.GetElapsedTime(_offerCreatedAt);

        if (_options.SendGreeting)
        {
            var greeting = _options.EffectiveGreeting;
            // It asks for an immediate SACK (RFC 7053): the exchange below waits for it.
            await channel.SendAndRequestAckAsync(greeting, ct).ConfigureAwait(false);
            Emit((t, e) => new SeedPeerMessageEvent(t, e, true, channel.Label, true, System.Text.Encoding.UTF8.GetBytes(greeting)));
        }
        if (_options.WaitForRemoteGreeting)
        {
            var read = _inbox.Reader.ReadAsync(ct).AsTask();
            var first = await Task.WhenAny(read, _failed.Task).ConfigureAwait(false);
            await first.ConfigureAwait(false);
            var message = read.Result;
            RemoteGreeting = message;
            Emit((t, e) => new SeedPeerMessageEvent(t, e, false, message.Label, message.IsText, message.Data));
        }
        // The exchange is done only when the peer has our greeting: a caller that closes at once
        // (Test-WrtcConnection) would otherwise discard it if its packet was lost and is still
        // waiting for retransmission (seen through two TURN relays on a loaded machine).
        if (_options.SendGreeting) await channel.WhenSentDataAcknowledgedAsync().WaitAsync(ct).ConfigureAwait(false);
        // The remote acted on our description, so the server took it; but the reply to our POST
        // can come after the whole exchange on a loaded machine. Its "sent" event belongs to the
        // attempt: wait for it so that a caller draining the events sees it.
        // A signaling failure ends the wait with its own diagnosis, not the timeout's.
        await (await Task.WhenAny(_descriptionSent.Task, _failed.Task).WaitAsync(ct).ConfigureAwait(false)).ConfigureAwait(false);
        // Likewise the remote's candidate that the selected pair came from (a peer-reflexive
        // remote until then): the account of how the connection was made shows it.
        await SelectedRemoteSignaledAsync(ct).ConfigureAwait(false);
    }

    private void Attach(RTCDataChannel channel)
    {
        _channel = channel;
        channel.OnOpen += (_, _) => _open.TrySetResult(channel);
        channel.OnMessage += (_, m) =>
            _inbox.Writer.TryWrite(new SeedPeerMessage(DateTimeOffset.Now, _clock.Elapsed, channel.Label, m.IsText, m.Data));
        if (channel.ReadyState == RTCDataChannelState.Open) _open.TrySetResult(channel);
    }

    /// <summary>Sends one text message on the peer's channel.</summary>
    public ValueTask SendAsync(string text, CancellationToken cancellationToken = default) =>
        OpenChannel().SendAsync(text, cancellationToken);

    /// <summary>Sends one binary message on the peer's channel.</summary>
    public ValueTask SendAsync(byte[] data, CancellationToken cancellationToken = default) =>
        OpenChannel().SendAsync(data, cancellationToken);

    private RTCDataChannel OpenChannel() =>
        _channel is { ReadyState: RTCDataChannelState.Open } channel
            ? channel
            : throw new InvalidOperationException($"The data channel of '{Id}' is not open ({_channel?.ReadyState.ToString().ToLowerInvariant() ?? "not created"}).");

    /// <summary>A readable account of where the connection got to (each layer's state, ICE candidates and pairs).</summary>
    public async Task<string> GetDiagnosticsAsync()
    {
        if (_pc is null) return "The peer connection was not created.";
        try
        {
            return (await _pc.GetDiagnosticsAsync().ConfigureAwait(false)).ToString();
        }
        catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException)
        {
            return $"Connection {_pc.ConnectionState}: diagnostics unavailable ({ex.Message}).";
        }
    }

    private async Task<SeedPeerException> FailAsync(SeedPeerError error, string message, Exception? inner = null)
    {
        if (_offerCreatedAt != 0 && FailedAfter is null) FailedAfter = Stopwatch.GetElapsedTime(_offerCreatedAt);
        var diagnostics = await GetDiagnosticsAsync().ConfigureAwait(false);
        return new SeedPeerException(error, message, diagnostics, inner);
    }

    private void Post(string type, string content) =>
        _outbox.Writer.TryWrite(new SignalingMessage { Type = type, Content = content, To = RemoteId, From = Id });

    /// <summary>One sender, so the offer or answer always precedes the candidates it caused.</summary>
    private async Task SendLoopAsync(ISignalingChannel client, CancellationToken ct)
    {
        try
        {
            await foreach (var message in _outbox.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                await client.SendAsync(message, ct).ConfigureAwait(false);
                Emit((t, e) => new SeedPeerSignalingEvent(t, e, true, message.Type, message.To, message.Content.Length));
                if (message.Type is SignalingMessage.Offer or SignalingMessage.Answer) OnDescriptionSent();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (SignalingException ex)
        {
            _failed.TrySetException(await FailAsync(SeedPeerError.Signaling, $"Signaling failed: {ex.Message}", ex).ConfigureAwait(false));
        }
    }

    private async Task ReceiveLoopAsync(ISignalingChannel client, CancellationToken ct)
    {
        try
        {
            await foreach (var message in client.ReceiveAsync(ct).ConfigureAwait(false))
            {
                Emit((t, e) => new SeedPeerSignalingEvent(t, e, false, message.Type, message.From, message.Content.Length));
                if (message.From.Length > 0 && message.From != RemoteId)
                {
                    Warn($"Ignored a {message.Type} from '{message.From}': this peer talks to '{RemoteId}'.");
                    continue;
                }
                await HandleSignalAsync(message).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (SignalingException ex)
        {
            _failed.TrySetException(await FailAsync(SeedPeerError.Signaling, $"Signaling failed: {ex.Message}", ex).ConfigureAwait(false));
        }
    }

    /// <summary>Posts the offer, then sets it as the local description. Posted first so that it
    /// precedes every candidate it causes; an answer that comes back before the local description
    /// is set (a fast path, a descheduled thread) waits for it (<see cref="_localOffer"/>) instead
    /// of meeting a connection still in "stable".</summary>
    private void SetLocalOffer(RTCPeerConnection pc, RTCSessionDescription offer)
    {
        var set = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _localOffer, set.Task);
        Post(SignalingMessage.Offer, offer.Sdp);
        try
        {
            pc.SetLocalDescription(offer);
        }
        finally
        {
            set.TrySetResult();
        }
    }

    private async Task HandleSignalAsync(SignalingMessage message)
    {
        var pc = _pc!;
        try
        {
            switch (message.Type)
            {
                case SignalingMessage.Offer when _options.Role == SeedPeerRole.Answerer:
                    if (pc.RemoteDescription is not null)
                    {
                        AnswerRestartOffer(pc, message);
                        return;
                    }
                    _offerCreatedAt = Stopwatch.GetTimestamp();
                    pc.SetRemoteDescription(new RTCSessionDescription(RTCSdpType.Offer, message.Content));
                    FlushHeld();
                    var answer = pc.CreateAnswer();
                    Post(SignalingMessage.Answer, answer.Sdp);
                    pc.SetLocalDescription(answer);
                    break;
                case SignalingMessage.Answer when _options.Role == SeedPeerRole.Offerer:
                    await Volatile.Read(ref _localOffer).ConfigureAwait(false);
                    if (pc.RemoteDescription is not null && pc.SignalingState != RTCSignalingState.HaveLocalOffer)
                    {
                        Warn($"Ignored a second answer from '{message.From}' (no offer of ours is waiting for one).");
                        return;
                    }
                    pc.SetRemoteDescription(new RTCSessionDescription(RTCSdpType.Answer, message.Content));
                    FlushHeld();
                    break;
                case SignalingMessage.Candidate:
                    AddRemoteCandidate(message.Content);
                    break;
                default:
                    Warn($"Ignored an unexpected '{message.Type}' message from '{message.From}' ({_options.Role.ToString().ToLowerInvariant()}).");
                    break;
            }
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or RTCDomException)
        {
            _failed.TrySetException(await FailAsync(SeedPeerError.Protocol,
                $"The {message.Type} from '{message.From}' could not be used: {ex.Message}", ex).ConfigureAwait(false));
        }
    }

    private void AddRemoteCandidate(string line)
    {
        if (string.IsNullOrWhiteSpace(line)) return;
        if (!RTCIceCandidate.TryParse(line, out var candidate, out var error))
        {
            Warn($"Ignored a remote candidate that does not parse ({error}): {line}");
            return;
        }
        var held = _pc!.RemoteDescription is null;
        Emit((t, e) => new SeedPeerCandidateEvent(t, e, false, candidate, null, held));
        OnRemoteSignaled(candidate);
        try
        {
            _pending!.Add(line);
        }
        catch (Exception ex) when (ex is RTCDomException or FormatException or ArgumentException)
        {
            Warn($"The remote candidate was not used: {ex.Message}");
        }
    }

    private void FlushHeld()
    {
        try
        {
            _pending!.Flush();
        }
        catch (Exception ex) when (ex is RTCDomException or FormatException or ArgumentException)
        {
            Warn($"A held remote candidate was not used: {ex.Message}");
        }
    }

    /// <summary>Turns the peer connection's events into this peer's, with the state each machine left.</summary>
    private async Task PumpConnectionEventsAsync(RTCPeerConnection pc, CancellationToken ct)
    {
        try
        {
            await foreach (var e in pc.Events.ReadAllAsync(ct).ConfigureAwait(false))
            {
                switch (e)
                {
                    case PeerConnectionIceEvent { Ice: IceCandidateGatheredEvent g }:
                        Emit((t, el) => new SeedPeerCandidateEvent(t, el, true, g.Candidate, g.Url, false));
                        break;
                    case PeerConnectionIceEvent { Ice: IceGatheringStateChangedEvent g }:
                        State(SeedPeerMachine.Gathering, g.State.ToString().ToLowerInvariant(), null);
                        break;
                    case PeerConnectionIceEvent { Ice: IceSelectedCandidatePairChangedEvent { Pair: { } pair } }:
                        Emit((t, el) => new SeedPeerSelectedPairEvent(t, el, pair));
                        OnRemoteSelected(pair.Remote);
                        OnRestartSelected();
                        break;
                    case PeerConnectionIceEvent { Ice: IceRestartEvent r }:
                        Emit((t, el) => new SeedPeerIceRestartEvent(t, el, r.UsernameFragment));
                        OnRestartStarted();
                        break;
                    case PeerConnectionIceEvent { Ice: IceRemoteCandidateRejectedEvent r }:
                        Warn($"Remote candidate not used ({r.Reason}): {r.Candidate.ToSdpString()}");
                        break;
                    case SignalingStateChangedEvent s:
                        State(SeedPeerMachine.Signaling, s.State.ToWireName(), null);
                        break;
                    case IceConnectionStateChangedEvent i:
                        State(SeedPeerMachine.Ice, i.State.ToWireName(), null);
                        break;
                    case DtlsStateChangedEvent d:
                        State(SeedPeerMachine.Dtls, d.State.ToString().ToLowerInvariant(), d.Detail);
                        break;
                    case SctpStateChangedEvent s:
                        State(SeedPeerMachine.Sctp, s.State.ToString().ToLowerInvariant(), s.Detail);
                        break;
                    case DataChannelStateChangedEvent c:
                        State(SeedPeerMachine.Channel, c.State.ToString().ToLowerInvariant(), c.Error ?? c.Label);
                        break;
                    case ConnectionStateChangedEvent c:
                        State(SeedPeerMachine.Connection, c.State.ToWireName(), c.Reason);
                        // Before the channel opened a failure ends the attempt, and the channel closes
                        // with the reason. After, the channel stays open, as in the engine and in
                        // browsers: RestartIceAsync (Restart-WrtcIce) may bring the path back.
                        if (c.State == RTCPeerConnectionState.Failed && !_open.Task.IsCompleted) _pc?.CloseChannels(c.Reason);
                        if (c.State is RTCPeerConnectionState.Failed or RTCPeerConnectionState.Closed) OnRestartFailed(c.State, c.Reason);
                        if (c.State is RTCPeerConnectionState.Failed or RTCPeerConnectionState.Closed && !_open.Task.IsCompleted)
                        {
                            _failed.TrySetException(await FailAsync(SeedPeerError.ConnectionFailed,
                                $"The connection {c.State.ToWireName()}{(c.Reason is null ? "" : ": " + c.Reason)}.").ConfigureAwait(false));
                        }
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private void State(SeedPeerMachine machine, string to, string? detail)
    {
        string from;
        lock (_states)
        {
            from = _states.TryGetValue(machine, out var previous) ? previous : "new";
            if (from == to) return;
            _states[machine] = to;
        }
        Emit((t, e) => new SeedPeerStateEvent(t, e, machine, from, to, detail));
    }

    private void Warn(string message)
    {
        SeedPeerLog.Warning(_logger, Id, message);
        Emit((t, e) => new SeedPeerWarningEvent(t, e, message));
    }

    private void Emit(Func<DateTimeOffset, TimeSpan, SeedPeerEvent> make) =>
        _events.Writer.TryWrite(make(DateTimeOffset.Now, _clock.Elapsed));

    /// <summary>Current state of each machine, for listings.</summary>
    public IReadOnlyDictionary<SeedPeerMachine, string> States
    {
        get
        {
            lock (_states) return new Dictionary<SeedPeerMachine, string>(_states);
        }
    }

    /// <summary>Closes the connection and stops signaling.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _life.Cancel();
        _outbox.Writer.TryComplete();
        if (_pc is not null) await _pc.DisposeAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // loops end on cancellation; a stuck one must not block closing
        }
        _signaling?.Dispose();
        _inbox.Writer.TryComplete();
        _events.Writer.TryComplete();
        _life.Dispose();
    }
}
