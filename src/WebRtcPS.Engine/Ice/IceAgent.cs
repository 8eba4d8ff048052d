using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using WebRtcPS.Engine.Stun;

namespace WebRtcPS.Engine.Ice;

/// <summary>
/// A full ICE agent (RFC 8445) for one data stream with one component (RTP/RTCP mux, as a data
/// channel uses), with trickle (RFC 8838), consent freshness (RFC 7675), ICE restart and remote
/// mDNS candidates. All protocol state lives on one loop fed by a channel of inputs (received
/// STUN, timer ticks, API commands); handlers queue packets that the loop sends after each batch,
/// and one timer is re-armed for the earliest deadline. What happens is reported, in order and
/// off the loop, through <see cref="Events"/>; <see cref="Transport"/> carries the data.
/// </summary>
public sealed partial class IceAgent : IAsyncDisposable
{
    private readonly IceAgentOptions _options;
    private readonly IIceNetwork _network;
    private readonly TimeProvider _time;
    private readonly long _startTimestamp;
    private readonly Channel<IceInput> _inputs = Channel.CreateUnbounded<IceInput>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<IceEvent> _events = Channel.CreateUnbounded<IceEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly ITimer _timer;
    private readonly Task _loop;
    private readonly List<Task> _receivers = [];
    private readonly List<(IIcePacketSocket Socket, byte[] Data, IPEndPoint To)> _outbox = [];
    private readonly List<Action> _afterBatch = [];
    private readonly Random _random = new();
    private readonly ulong _tieBreaker;

    // Read from any thread: snapshots the loop publishes.
    private readonly ConcurrentDictionary<IPEndPoint, PairTraffic> _knownRemotes = new();
    private volatile SelectedRoute? _route;
    private volatile RTCIceParameters _publishedLocal;
    private volatile IReadOnlyList<RTCIceCandidate> _publishedLocalCandidates = [];
    private volatile IReadOnlyList<RTCIceCandidate> _publishedRemoteCandidates = [];
    private volatile RTCIceParameters? _publishedRemote;
    private volatile RTCIceTransportState _publishedState;
    private volatile RTCIceGatheringState _publishedGatheringState;
    private volatile RTCIceRole _publishedRole;
    private volatile IceDiagnostics? _finalDiagnostics;
    private long _datagramsDropped;
    private int _disposed;

    /// <param name="options">Configuration; validated here.</param>
    /// <param name="network">Interfaces and sockets; the operating system's when null.</param>
    /// <param name="timeProvider">Clock and timers; the system's when null.</param>
    public IceAgent(IceAgentOptions? options = null, IIceNetwork? network = null, TimeProvider? timeProvider = null)
    {
        _options = (options ?? new IceAgentOptions()).Validate();
        _network = network ?? UdpIceNetwork.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _startTimestamp = _time.GetTimestamp();
        _local = _options.LocalParameters ?? RTCIceParameters.Generate();
        _publishedLocal = _local;
        _role = _publishedRole = _options.Role;
        _tieBreaker = _options.TieBreaker ?? (ulong)Random.Shared.NextInt64() ^ ((ulong)Random.Shared.Next() << 63);
        Transport = new IceTransport(this);
        _timer = _time.CreateTimer(static s => ((IceAgent)s!)._inputs.Writer.TryWrite(TimerTick.Instance), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Every event in order, from creation to close (then the channel completes).
    /// Meant for one reader; unread events accumulate.</summary>
    public ChannelReader<IceEvent> Events => _events.Reader;

    /// <summary>The datagram transport over the selected pair (for DTLS).</summary>
    public IceTransport Transport { get; }

    /// <summary>Our ice-ufrag and ice-pwd to signal; new after <see cref="RestartAsync"/>.</summary>
    public RTCIceParameters LocalParameters => _publishedLocal;

    /// <summary>Local candidates gathered so far (with the current ufrag); peer-reflexive ones,
    /// which are never signalled, are in the diagnostics.</summary>
    public IReadOnlyList<RTCIceCandidate> LocalCandidates => _publishedLocalCandidates;

    /// <summary>The peer's credentials, once given (null again after a restart until new ones come).</summary>
    public RTCIceParameters? RemoteParameters => _publishedRemote;

    /// <summary>Remote candidates in use: signalled (and resolved) ones and peer-reflexive ones learned from checks.</summary>
    public IReadOnlyList<RTCIceCandidate> RemoteCandidates => _publishedRemoteCandidates;

    public RTCIceTransportState State => _publishedState;
    public RTCIceGatheringState GatheringState => _publishedGatheringState;
    public RTCIceRole Role => _publishedRole;

    /// <summary>The 64-bit tie-breaker sent in ICE-CONTROLLING/ICE-CONTROLLED (RFC 8445 §7.1.3).</summary>
    public ulong TieBreaker => _tieBreaker;

    /// <summary>Datagrams received and dropped by the demultiplexer (neither STUN nor DTLS, or
    /// DTLS from an unvalidated address).</summary>
    public long DatagramsDropped => Interlocked.Read(ref _datagramsDropped);

    /// <summary>W3C getSelectedCandidatePair().</summary>
    public RTCIceCandidatePair? GetSelectedCandidatePair() => _route?.Pair;

    internal SelectedRoute? Route => _route;

    /// <summary>Starts gathering host candidates, then server-reflexive and relayed ones.
    /// Candidates arrive as <see cref="IceCandidateGatheredEvent"/>s, then <see cref="IceEndOfCandidatesEvent"/>.</summary>
    public void StartGathering() => Post(BeginGathering);

    /// <summary>The peer's ice-ufrag and ice-pwd. Checks start once they are known; candidates
    /// added before are held (RFC 8838 §8). New credentials while checking are the peer's ICE
    /// restart, which restarts this side too (RFC 8445 §9).</summary>
    public void SetRemoteParameters(RTCIceParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (string.IsNullOrEmpty(parameters.UsernameFragment) || string.IsNullOrEmpty(parameters.Password))
            throw new ArgumentException("The remote ice-ufrag and ice-pwd must not be empty.", nameof(parameters));
        Post(() => OnRemoteParameters(parameters));
    }

    /// <summary>A trickled remote candidate (RFC 8838), or null for end-of-candidates. Bad
    /// candidates are reported as <see cref="IceRemoteCandidateRejectedEvent"/>, not thrown.</summary>
    public void AddRemoteCandidate(RTCIceCandidate? candidate)
    {
        if (candidate is null) Post(OnRemoteEndOfCandidates);
        else Post(() => OnRemoteCandidate(candidate));
    }

    /// <summary>The peer signalled end-of-candidates (RFC 8838 §4).</summary>
    public void AddRemoteEndOfCandidates() => AddRemoteCandidate(null);

    /// <summary>ICE restart (RFC 8445 §9): new local credentials, a new checklist once the
    /// peer's new credentials arrive; data keeps using the selected pair until a new one is up.
    /// Local candidates are announced again with the new ufrag.</summary>
    public Task<RTCIceParameters> RestartAsync() => InvokeAsync(DoRestart);

    /// <summary>Completes when the state satisfies <paramref name="condition"/> (at once if it
    /// does now), or with the last state when the agent closes first.</summary>
    public Task<RTCIceTransportState> WaitForStateAsync(Func<RTCIceTransportState, bool> condition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var waiter = new StateWaiter(condition, cancellationToken);
        if (!_inputs.Writer.TryWrite(new Command(() => AddWaiter(waiter))))
            waiter.Completion.TrySetResult(_publishedState);
        return waiter.Completion.Task;
    }

    /// <summary>Per-pair counters, RTTs and last check results.</summary>
    public async Task<IReadOnlyList<RTCIceCandidatePairStats>> GetStatsAsync() => (await GetDiagnosticsAsync().ConfigureAwait(false)).Pairs;

    /// <summary>What was gathered, what the peer offered, which pairs were tried and what each
    /// got back, and the last state: the explanation of a failure.</summary>
    public Task<IceDiagnostics> GetDiagnosticsAsync()
    {
        if (_finalDiagnostics is { } final) return Task.FromResult(final);
        var tcs = new TaskCompletionSource<IceDiagnostics>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Answered after the batch is serviced, so the snapshot includes what the batch caused.
        if (!_inputs.Writer.TryWrite(new Command(() => _afterBatch.Add(() => tcs.TrySetResult(BuildDiagnostics())))))
        {
            return _loop.ContinueWith(_ => _finalDiagnostics ?? throw new ObjectDisposedException(nameof(IceAgent)), TaskScheduler.Default);
        }
        return tcs.Task;
    }

    /// <summary>W3C RTCIceTransport.stop(): closes sockets and ends <see cref="Events"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            await _loop.ConfigureAwait(false);
            return;
        }
        _inputs.Writer.TryWrite(new Command(CloseOnLoop));
        _inputs.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        _stop.Cancel();
        await _timer.DisposeAsync().ConfigureAwait(false);
        foreach (var socket in _sockets) await socket.DisposeAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_receivers.ToArray()).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Receive loops end with the sockets; nothing to report.
        }
        Transport.Complete();
        _events.Writer.TryComplete();
        _stop.Dispose();
    }

    private TimeSpan Now => _time.GetElapsedTime(_startTimestamp);

    private void Post(Action action)
    {
        if (!_inputs.Writer.TryWrite(new Command(action))) throw new ObjectDisposedException(nameof(IceAgent));
    }

    private Task<T> InvokeAsync<T>(Func<T> function)
    {
        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() =>
        {
            try
            {
                tcs.TrySetResult(function());
            }
            catch (Exception ex)
            {
                tcs.TrySetException(ex);
            }
        });
        return tcs.Task;
    }

    private async Task RunAsync()
    {
        var reader = _inputs.Reader;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var input))
                {
                    Handle(input);
                }
                try
                {
                    if (_state != RTCIceTransportState.Closed) Service(Now);
                }
                catch (Exception ex)
                {
                    // A bug must not stop the loop (the agent would hang silently); it is reported.
                    ReportInternalError($"service: {ex.GetType().Name}: {ex.Message}");
                }
                await FlushAsync().ConfigureAwait(false);
                ArmTimer();
                foreach (var action in _afterBatch) action();
                _afterBatch.Clear();
            }
        }
        finally
        {
            _finalDiagnostics = BuildDiagnostics();
            foreach (var action in _afterBatch) action();
            _afterBatch.Clear();
            foreach (var waiter in _waiters) waiter.Completion.TrySetResult(_state);
            _waiters.Clear();
        }
    }

    private void Handle(IceInput input)
    {
        try
        {
            switch (input)
            {
                case StunReceived stun:
                    if (_state != RTCIceTransportState.Closed) OnStun(stun.Local, stun.Message, stun.From);
                    break;
                case Command command:
                    command.Run();
                    break;
            }
        }
        catch (Exception ex)
        {
            // Neither peer input nor a malformed API argument takes the loop down; a bug here is
            // reported in the diagnostics.
            ReportInternalError($"{input.GetType().Name}: {ex.GetType().Name}: {ex.Message}");
        }
    }

    private async Task FlushAsync()
    {
        if (_outbox.Count == 0) return;
        var batch = _outbox.ToArray();
        _outbox.Clear();
        foreach (var (socket, data, to) in batch)
        {
            try
            {
                await socket.SendToAsync(data, to).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or InvalidOperationException or ArgumentException)
            {
                // Unreachable destination, a closed socket or an address of the wrong family:
                // as lost as a dropped datagram.
            }
        }
    }

    private void Send(IIcePacketSocket socket, byte[] data, IPEndPoint to) => _outbox.Add((socket, data, to));

    private void ArmTimer()
    {
        if (_state == RTCIceTransportState.Closed)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }
        var next = NextDeadline();
        if (next is not { } due)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }
        var delay = due - Now;
        _timer.Change(delay < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : delay, Timeout.InfiniteTimeSpan);
    }

    private void Emit(IceEvent e)
    {
        if (_history.Count < MaxHistory) _history.Add(e);
        _events.Writer.TryWrite(e);
        if (_options.Logger is { } logger) Log(logger, e);
    }

    private static void Log(Microsoft.Extensions.Logging.ILogger logger, IceEvent e)
    {
        switch (e)
        {
            case IceStateChangedEvent s: IceLog.StateChanged(logger, s.OldState, s.NewState, s.Reason); break;
            case IceCandidateGatheredEvent g: IceLog.CandidateGathered(logger, g.Candidate.ToSdpString()); break;
            case IceSelectedCandidatePairChangedEvent p: IceLog.SelectedPairChanged(logger, p.Pair); break;
            case IceRoleChangedEvent r: IceLog.RoleChanged(logger, r.OldRole, r.NewRole, r.Reason); break;
            case IceCheckFailedEvent f: IceLog.CheckFailed(logger, f.Pair, f.Reason); break;
            case IceRemoteCandidateRejectedEvent j: IceLog.RemoteCandidateRejected(logger, j.Candidate.ToSdpString(), j.Reason); break;
            case IceCandidateErrorEvent c: IceLog.CandidateError(logger, c.Url, $"{c.ErrorCode} {c.ErrorText}"); break;
        }
    }

    private void ReportInternalError(string error)
    {
        _internalErrors.Add(error);
        if (_options.Logger is { } logger) IceLog.InternalError(logger, error);
    }

    private DateTimeOffset Stamp => _time.GetUtcNow();

    /// <summary>Starts the receive loop of a socket: the RFC 7983 demultiplexer.</summary>
    private void StartReceiver(LocalCandidate local)
    {
        _sockets.Add(local.Socket);
        _receivers.Add(Task.Run(() => ReceiveLoopAsync(local)));
    }

    private async Task ReceiveLoopAsync(LocalCandidate local)
    {
        var buffer = new byte[2048];
        var stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            IcePacketReceiveResult received;
            try
            {
                received = await local.Socket.ReceiveFromAsync(buffer, stop).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or ChannelClosedException)
            {
                return;
            }
            catch (SocketException)
            {
                if (stop.IsCancellationRequested) return;
                continue;
            }
            try
            {
                Demultiplex(local, buffer.AsSpan(0, received.Length), received.RemoteEndPoint);
            }
            catch (Exception ex)
            {
                // Peer input never stops the receive loop; a bug here is reported in diagnostics.
                var text = $"receive on {local.Socket.LocalEndPoint}: {ex.GetType().Name}: {ex.Message}";
                _inputs.Writer.TryWrite(new Command(() => ReportInternalError(text)));
            }
        }
    }

    /// <summary>RFC 7983 §7: first byte 0-3 is STUN, 20-63 DTLS; anything else is dropped.</summary>
    private void Demultiplex(LocalCandidate local, ReadOnlySpan<byte> datagram, IPEndPoint from)
    {
        if (datagram.IsEmpty)
        {
            Interlocked.Increment(ref _datagramsDropped);
            return;
        }
        byte first = datagram[0];
        if (first <= 3)
        {
            if (StunMessage.TryParse(datagram, out var message)) _inputs.Writer.TryWrite(new StunReceived(local, message, from));
            else Interlocked.Increment(ref _datagramsDropped);
        }
        else if (first is >= 20 and <= 63 && _knownRemotes.TryGetValue(from, out var traffic))
        {
            // From any peer address that proved it knows the credentials, so DTLS survives a
            // switch of the selected pair.
            traffic.AddReceived(datagram.Length);
            if (!Transport.Deliver(datagram.ToArray())) Interlocked.Increment(ref _datagramsDropped);
        }
        else
        {
            Interlocked.Increment(ref _datagramsDropped);
        }
    }

    private abstract record IceInput;

    private sealed record StunReceived(LocalCandidate Local, StunMessage Message, IPEndPoint From) : IceInput;

    private sealed record Command(Action Run) : IceInput;

    private sealed record TimerTick : IceInput
    {
        public static readonly TimerTick Instance = new();
    }

    private sealed class StateWaiter(Func<RTCIceTransportState, bool> condition, CancellationToken cancellationToken)
    {
        public Func<RTCIceTransportState, bool> Condition { get; } = condition;
        public CancellationToken CancellationToken { get; } = cancellationToken;
        public TaskCompletionSource<RTCIceTransportState> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>Where the transport sends: the selected pair's socket and remote address.</summary>
internal sealed record SelectedRoute(IIcePacketSocket Socket, IPEndPoint Remote, PairTraffic Traffic, RTCIceCandidatePair Pair)
{
    /// <summary>False once consent expired (RFC 7675 §5.1: stop sending) or the agent closed.</summary>
    public volatile bool Usable = true;
}
