using System.Runtime.CompilerServices;
using System.Threading.Channels;
using WebRtcPS.Engine.DataChannels;
using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.Runtime;
using WebRtcPS.Engine.Sctp;
using WebRtcPS.Engine.Sdp;

namespace WebRtcPS.Engine.PeerConnection;

/// <summary>
/// W3C RTCPeerConnection for a data-channel session: JSEP offer/answer (RFC 8829) over one bundled
/// <c>m=application</c> section, ICE (the offerer controls), DTLS (role from <c>a=setup</c>, the
/// peer's certificate checked against its <c>a=fingerprint</c>), SCTP over DTLS and data channels.
/// </summary>
/// <remarks>
/// <para>The description methods are synchronous: they validate, change the signaling state and
/// hand work to the ICE agent, and throw <see cref="RTCDomException"/>s named as in the W3C spec.
/// Transports start in the background once an offer and its answer are both applied.</para>
/// <para>Concurrency: the connection's state (signaling, ICE, DTLS, SCTP and connection states,
/// descriptions, transports, waiters, channels) is owned by one <see cref="SerialLoop"/>. The
/// description methods run on it and wait (their errors are thrown to the caller as before); the
/// ICE agent's events, the transports' progress and the channels' events are posted to it, in
/// order. The state getters read what the loop last wrote (volatile fields); nothing takes a lock.</para>
/// <para>User events (OnIceCandidate, the state changes) are raised in order on one event task,
/// never on the loop. OnDataChannel is raised on the SCTP association's event task just before
/// the channel's OnOpen, so handlers attached inside it see every message. A handler that throws
/// is logged (event id 5003) and the other handlers and later events are still delivered.
/// <see cref="Events"/> carries everything, including the ICE agent's own events, with timestamps.</para>
/// <para>Early candidates: addIceCandidate before the remote description is an InvalidStateError,
/// as the spec says; callers that may receive candidates first (the seed protocol's trickle) hold
/// them with a <see cref="PendingCandidateBuffer"/>.</para>
/// </remarks>
public sealed partial class RTCPeerConnection : IAsyncDisposable
{
    private const string DefaultMid = "0";

    private readonly SerialLoop _loop;
    private readonly RTCConfiguration _config;
    private readonly IIceNetwork? _network;
    private readonly TimeProvider _time;
    private readonly long _startTimestamp;
    private readonly RTCCertificate _certificate;
    /// <summary>Our ICE credentials: new after an ICE restart (ours or the peer's).</summary>
    private RTCIceParameters _localIce;
    private readonly IRelayCandidateSource? _relaySource;
    private readonly DataChannelManager _channels;
    private readonly Channel<PeerConnectionEvent> _events = Channel.CreateUnbounded<PeerConnectionEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<Action> _userEvents = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _userPump;
    private readonly CancellationTokenSource _cts = new();

    // The loop's: written only by its work items. Those read from other threads are volatile.
    private readonly List<(Func<RTCPeerConnectionState, bool> Condition, TaskCompletionSource<RTCPeerConnectionState> Completion)> _waiters = [];
    private readonly List<RTCDataChannel> _allChannels = [];
    private volatile IceAgent? _agent;
    private Task? _icePump;
    private Task? _transportTask;
    private IDtlsTransport? _dtls;
    private SctpAssociation? _sctp;
    private volatile int _dtlsRole = NoDtlsRole;   // a DtlsRole, or NoDtlsRole
    private bool _gatheringStarted;

    private SdpSessionDescription? _lastLocalSdp;
    private SdpSessionDescription? _remoteOfferSdp;
    private volatile DataChannelSessionDescription? _remote;
    private volatile RTCSessionDescription? _localDescription;
    private volatile RTCSessionDescription? _remoteDescription;
    private volatile RTCSignalingState _signalingState = RTCSignalingState.Stable;
    private volatile RTCIceConnectionState _iceConnectionState = RTCIceConnectionState.New;
    private volatile RTCIceGatheringState _iceGatheringState = RTCIceGatheringState.New;
    private volatile RTCPeerConnectionState _connectionState = RTCPeerConnectionState.New;
    private volatile RTCDtlsTransportState _dtlsState = RTCDtlsTransportState.New;
    private RTCSctpTransportState? _sctpState;
    private string? _iceStateReason;
    private volatile string? _failureReason;
    private int _channelsOpened;
    private int _channelsClosed;
    private volatile bool _closed;
    private Task? _closeTask;

    private const int NoDtlsRole = -1;

    /// <param name="configuration">Servers, policy, certificate and engine settings; validated here (ArgumentException).</param>
    /// <param name="network">Interfaces and sockets for ICE; the operating system's when null (tests may pass a virtual network).</param>
    /// <param name="timeProvider">Clock for timestamps and ICE timers; the system's when null.</param>
    public RTCPeerConnection(RTCConfiguration? configuration = null, IIceNetwork? network = null, TimeProvider? timeProvider = null)
    {
        _config = (configuration ?? new RTCConfiguration()).Validate();
        _network = network;
        _time = timeProvider ?? TimeProvider.System;
        _startTimestamp = _time.GetTimestamp();
        _certificate = _config.Certificates.Count > 0 ? _config.Certificates[0] : RTCCertificate.Generate();
        _localIce = RTCIceParameters.Generate();
        _relaySource = RelaySourceFor(_config);
        // No timers: the loop needs no disposal, and goes with the connection (whose methods keep
        // answering InvalidStateError after close).
        _loop = new SerialLoop("peer connection loop", _time, _config.Logger, PeerConnectionLog.LoopWorkFailed);
        _channels = new DataChannelManager(_config.Logger);
        _channels.OnDataChannel += OnRemoteDataChannel;
        _userPump = Task.Run(PumpUserEventsAsync);
    }

    // ---- W3C attributes ----

    /// <summary>W3C signalingState: where the offer/answer exchange stands (JSEP, RFC 8829 §3.2).</summary>
    public RTCSignalingState SignalingState => _signalingState;
    /// <summary>W3C iceConnectionState.</summary>
    public RTCIceConnectionState IceConnectionState => _iceConnectionState;
    /// <summary>W3C iceGatheringState.</summary>
    public RTCIceGatheringState IceGatheringState => _iceGatheringState;
    /// <summary>W3C connectionState: ICE and DTLS combined.</summary>
    public RTCPeerConnectionState ConnectionState => _connectionState;
    /// <summary>W3C localDescription: the description last applied with SetLocalDescription.</summary>
    public RTCSessionDescription? LocalDescription => _localDescription;
    /// <summary>W3C remoteDescription: the description last applied with SetRemoteDescription.</summary>
    public RTCSessionDescription? RemoteDescription => _remoteDescription;

    /// <summary>The certificate whose fingerprint our descriptions carry.</summary>
    public RTCCertificate Certificate => _certificate;

    /// <summary>State of the DTLS transport (new until ICE connects).</summary>
    public RTCDtlsTransportState DtlsState => _dtlsState;

    /// <summary>Our DTLS role once the answer fixed it.</summary>
    public DtlsRole? DtlsRole => NegotiatedDtlsRole;

    /// <summary>Why the connection failed, once it has (ICE's reason or the DTLS error).</summary>
    public string? FailureReason => _failureReason;

    /// <summary>The peer's a=max-message-size once known (0 = no limit): the largest message we may send.</summary>
    public long? RemoteMaxMessageSize => _remote?.MaxMessageSize;

    /// <summary>The ICE agent, once a description created it (for diagnostics).</summary>
    public IceAgent? IceAgent => _agent;

    /// <summary>Every event, in order, from creation to close (then the reader completes). Meant for
    /// one reader (the PowerShell layer); unread events accumulate.</summary>
    public ChannelReader<PeerConnectionEvent> Events => _events.Reader;

    // ---- W3C events ----

    /// <summary>W3C icecandidate: a local candidate to signal to the peer; a null Candidate ends gathering.</summary>
    public event EventHandler<RTCPeerConnectionIceEventArgs>? OnIceCandidate;
    /// <summary>W3C icegatheringstatechange.</summary>
    public event EventHandler<RTCIceGatheringState>? OnIceGatheringStateChange;
    /// <summary>W3C iceconnectionstatechange.</summary>
    public event EventHandler<RTCIceConnectionState>? OnIceConnectionStateChange;
    /// <summary>W3C connectionstatechange.</summary>
    public event EventHandler<RTCPeerConnectionState>? OnConnectionStateChange;
    /// <summary>W3C signalingstatechange.</summary>
    public event EventHandler<RTCSignalingState>? OnSignalingStateChange;
    /// <summary>W3C datachannel: a channel the peer opened (DCEP, RFC 8832).</summary>
    public event EventHandler<RTCDataChannel>? OnDataChannel;

    // ---- data channels ----

    /// <summary>W3C createDataChannel. A channel created before the session is up opens (DCEP, or at
    /// once when negotiated) when SCTP connects; its stream id follows the DTLS role.</summary>
    /// <exception cref="InvalidStateError">The connection (or its SCTP transport) is closed.</exception>
    /// <exception cref="OperationError">The requested stream id is in use, or none is free.</exception>
    /// <exception cref="ArgumentException">Bad options (the W3C TypeError).</exception>
    public RTCDataChannel CreateDataChannel(string label, RTCDataChannelInit? init = null)
    {
        ArgumentNullException.ThrowIfNull(label);
        ThrowIfClosed("createDataChannel");
        // Tracked before it can open (one made while SCTP is up may open at once).
        return _channels.CreateDataChannel(label, init, c => Track(c, remote: false));
    }

    private void OnRemoteDataChannel(object? sender, RTCDataChannel channel)
    {
        // Runs on the association's event task, before the channel's OnOpen.
        Track(channel, remote: true);
        UserHandlers.Invoke(OnDataChannel, this, channel, _config.Logger, PeerConnectionLog.HandlerThrew, nameof(OnDataChannel));
    }

    /// <summary>Records the channel and its state changes in <see cref="Events"/> and the counts
    /// getStats gives; each change is posted to the loop from wherever the channel raised it.</summary>
    private void Track(RTCDataChannel channel, bool remote)
    {
        _loop.Post(() =>
        {
            _allChannels.Add(channel);
            // A remote channel is announced already open; its OnOpen follows and records it.
            if (!remote) Publish(now => new DataChannelStateChangedEvent(now.Time, now.Elapsed, channel.Label, channel.Id, channel.ReadyState, remote, null));
        });
        channel.OnOpen += (_, _) => _loop.Post(() =>
        {
            _channelsOpened++;
            Publish(now => new DataChannelStateChangedEvent(now.Time, now.Elapsed, channel.Label, channel.Id, RTCDataChannelState.Open, remote, null));
        });
        channel.OnClosing += (_, _) => _loop.Post(() => Publish(now => new DataChannelStateChangedEvent(now.Time, now.Elapsed, channel.Label, channel.Id, RTCDataChannelState.Closing, remote, null)));
        channel.OnClose += (_, _) => _loop.Post(() =>
        {
            _channelsClosed++;
            Publish(now => new DataChannelStateChangedEvent(now.Time, now.Elapsed, channel.Label, channel.Id, RTCDataChannelState.Closed, remote, null));
        });
        channel.OnError += (_, e) => _loop.Post(() => Publish(now => new DataChannelStateChangedEvent(now.Time, now.Elapsed, channel.Label, channel.Id, channel.ReadyState, remote, e.Message)));
    }

    // ---- waiting ----

    /// <summary>Completes when connectionState satisfies <paramref name="condition"/> (at once if it does now).</summary>
    public Task<RTCPeerConnectionState> WaitForConnectionStateAsync(Func<RTCPeerConnectionState, bool> condition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var now = _connectionState;
        if (condition(now)) return Task.FromResult(now);
        var tcs = new TaskCompletionSource<RTCPeerConnectionState>(TaskCreationOptions.RunContinuationsAsynchronously);
        _loop.Post(() =>
        {
            // The state may have moved since the look above.
            if (condition(_connectionState)) tcs.TrySetResult(_connectionState);
            else _waiters.Add((condition, tcs));
        });
        return tcs.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Waits until connected; throws <see cref="OperationError"/> with the diagnosis when the connection fails or closes first.</summary>
    public async Task WaitConnectedAsync(CancellationToken cancellationToken = default)
    {
        var state = await WaitForConnectionStateAsync(s => s is RTCPeerConnectionState.Connected or RTCPeerConnectionState.Failed or RTCPeerConnectionState.Closed, cancellationToken).ConfigureAwait(false);
        if (state != RTCPeerConnectionState.Connected)
            throw new OperationError($"The connection is {state.ToWireName()}: {FailureReason ?? "closed before it connected"}.");
    }

    /// <summary>Waits until connected, at most <paramref name="timeout"/>. On timeout throws
    /// <see cref="TimeoutException"/> whose message is the diagnosis (states, candidates, pairs);
    /// a cancel through <paramref name="cancellationToken"/> stays an OperationCanceledException.</summary>
    public async Task WaitConnectedAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await WaitConnectedAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var diagnosis = await GetDiagnosticsAsync(CancellationToken.None).ConfigureAwait(false);
            throw new TimeoutException($"Not connected after {timeout.TotalSeconds:0.###} s.{Environment.NewLine}{diagnosis}");
        }
    }

    // ---- plumbing ----

    private readonly record struct Now(DateTimeOffset Time, TimeSpan Elapsed);

    private Now Stamp() => new(_time.GetUtcNow(), _time.GetElapsedTime(_startTimestamp));

    /// <summary>On the loop: our DTLS role (RFC 8842 §5.3), null until a description fixed it.</summary>
    private DtlsRole? NegotiatedDtlsRole
    {
        get => _dtlsRole == NoDtlsRole ? null : (DtlsRole)_dtlsRole;
        set => _dtlsRole = value is { } role ? (int)role : NoDtlsRole;
    }

    /// <summary>On the loop, so that <see cref="Events"/> is in the loop's order, stamped as it goes.</summary>
    private void Publish(Func<Now, PeerConnectionEvent> create) => _events.Writer.TryWrite(create(Stamp()));

    /// <summary>On the loop: queues a W3C event for the user event task.</summary>
    private void Raise<T>(EventHandler<T>? handlerSnapshot, T args, [CallerArgumentExpression(nameof(handlerSnapshot))] string name = "")
    {
        if (handlerSnapshot is null) return;
        _userEvents.Writer.TryWrite(() => UserHandlers.Invoke(handlerSnapshot, this, args, _config.Logger, PeerConnectionLog.HandlerThrew, name));
    }

    private async Task PumpUserEventsAsync()
    {
        // Each action applies the user-handler policy itself; Run is the backstop that keeps the task alive.
        await foreach (var action in _userEvents.Reader.ReadAllAsync().ConfigureAwait(false))
            UserHandlers.Run(action, _config.Logger, PeerConnectionLog.HandlerThrew, "peer connection event");
    }

    private void ThrowIfClosed(string operation)
    {
        if (_closed) throw new InvalidStateError($"{operation}: the RTCPeerConnection is closed.");
    }
}
