using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using WebRtcPS.Engine.Runtime;

namespace WebRtcPS.Engine.Ice;

/// <summary>
/// A full ICE agent (RFC 8445) for one data stream with one component (RTP/RTCP mux, as a data
/// channel uses), with trickle (RFC 8838), consent freshness (RFC 7675), ICE restart and remote
/// mDNS candidates. The protocol is an <see cref="IceAgentCore"/>, driven from one loop fed by a
/// channel of inputs (received STUN, timer ticks, API commands, I/O results); this shell owns what
/// the core must not: sockets and their receive loops, the timer, name resolution, relays, and
/// the event channel. What happens is reported, in order and off the loop, through
/// <see cref="Events"/>; <see cref="Transport"/> carries the data.
/// </summary>
public sealed partial class IceAgent : IAsyncDisposable
{
    private readonly IceAgentOptions _options;
    private readonly IIceNetwork _network;
    private readonly TimeProvider _time;
    private readonly long _startTimestamp;
    private readonly IceAgentCore _core;
    // The loop runs on the thread that wakes it (AllowSynchronousContinuations): a check or its
    // answer read by a socket's receive loop is handled, and the response or triggered check sent,
    // on that thread, and a candidate added by the peer connection is checked on the caller's;
    // no thread-pool hop between a datagram and ICE's reply (each was 0.1-1 ms on a loaded
    // machine, several on a setup's critical path). The loop's work never blocks: sockets are
    // written without waiting (a send that does not complete at once moves the rest of the batch
    // to its continuation) and events and waiters complete asynchronously; a write into the
    // channel while the loop runs only queues.
    private readonly Channel<IceInput> _inputs = Channel.CreateUnbounded<IceInput>(new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = true });
    private readonly Channel<IceEvent> _events = Channel.CreateUnbounded<IceEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly ITimer _timer;
    private readonly Task _loop;

    // Read from any thread: snapshots the loop publishes.
    private readonly ConcurrentDictionary<IPEndPoint, PairTraffic> _knownRemotes = new();
    private volatile SelectedRoute? _route;
    private volatile SelectedRoute? _earlyRoute;
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
        _options = options ?? new IceAgentOptions();
        _network = network ?? UdpIceNetwork.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _startTimestamp = _time.GetTimestamp();
        _core = new IceAgentCore(_options, _time.GetUtcNow());
        _publishedLocal = _core.LocalParameters;
        _publishedRole = _core.Role;
        // An answerer gathers between the offer and its first check: have the addresses ready.
        _network.PrefetchLocalAddresses();
        Transport = new IceTransport(this);
        _timer = _time.CreateTimer(static s => ((IceAgent)s!)._inputs.Writer.TryWrite(TimerTick.Instance), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        // Started here, not on the pool: it runs to its first wait for input at once, so the first
        // input (gathering, the peer's credentials) is handled by the thread that posts it rather
        // than after a pool thread picks the loop up (0.5 ms and more on a loaded machine).
        _loop = RunAsync();
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

    /// <summary>The W3C ICE transport state.</summary>
    public RTCIceTransportState State => _publishedState;
    /// <summary>The W3C gathering state.</summary>
    public RTCIceGatheringState GatheringState => _publishedGatheringState;
    /// <summary>The current ICE role (may flip on a role conflict, RFC 8445 §7.3.1.1).</summary>
    public RTCIceRole Role => _publishedRole;

    /// <summary>The 64-bit tie-breaker sent in ICE-CONTROLLING/ICE-CONTROLLED (RFC 8445 §7.1.3).</summary>
    public ulong TieBreaker => _core.TieBreaker;

    /// <summary>Datagrams received and dropped by the demultiplexer (neither STUN nor DTLS, or
    /// DTLS from an unvalidated address).</summary>
    public long DatagramsDropped => Interlocked.Read(ref _datagramsDropped);

    /// <summary>W3C getSelectedCandidatePair().</summary>
    public RTCIceCandidatePair? GetSelectedCandidatePair() => _route?.Pair;

    internal SelectedRoute? Route => _route;

    /// <summary>Where data goes: the selected pair, or before one is selected the first valid pair
    /// (<see cref="IceAgentCore.EarlyRoute"/>).</summary>
    internal SelectedRoute? DataRoute => _route ?? _earlyRoute;

    /// <summary>Completes with the state once data can flow (a valid pair, selected or not) or
    /// ICE has closed (a failure waits on: a restart may bring a pair). The peer connection starts DTLS then: a ClientHello sent before
    /// would be dropped and cost BouncyCastle's 1 s retransmission.</summary>
    internal Task<RTCIceTransportState> WaitForDataRouteAsync(CancellationToken cancellationToken = default)
    {
        // Completed synchronously: what waits for the path (DTLS's held first flight) goes on, on
        // the loop's thread, the moment the path is published; its continuations must not block.
        var waiter = new StateWaiter(static s => s is RTCIceTransportState.Closed, cancellationToken)
        {
            OrDataRoute = true,
            Completion = new TaskCompletionSource<RTCIceTransportState>(TaskCreationOptions.None),
        };
        if (!_inputs.Writer.TryWrite(new Command(() => AddWaiter(waiter))))
            waiter.Completion.TrySetResult(_publishedState);
        return waiter.Completion.Task;
    }

    /// <summary>
    /// Local preference of a TCP candidate (RFC 6544 §4.2):
    /// <c>2^13 × direction-pref + other-pref</c>, other-pref (0-8191) ranking the interface
    /// addresses like the UDP local preference does. The largest value, 57,343, stays below the
    /// UDP host candidates' 65,535 − 256 × index for the first 32 addresses, so UDP is preferred.
    /// </summary>
    public static ushort TcpLocalPreference(RTCIceTcpCandidateType tcpType, int addressIndex) => IceAgentCore.TcpLocalPreference(tcpType, addressIndex);

    /// <summary>Local preference of a relay candidate: see <see cref="IceAgentCore.RelayLocalPreference"/>.</summary>
    internal static ushort RelayLocalPreference(RelayAllocation allocation, int index) => IceAgentCore.RelayLocalPreference(allocation, index);

    /// <summary>Starts gathering host candidates, then server-reflexive and relayed ones.
    /// Candidates arrive as <see cref="IceCandidateGatheredEvent"/>s, then <see cref="IceEndOfCandidatesEvent"/>.</summary>
    public void StartGathering() => Post(() =>
    {
        SetupTrace.Mark("ice.loop.gather");
        _core.StartGathering(Now, _network.GetLocalAddresses());
    });

    /// <summary>The peer's ice-ufrag and ice-pwd. Checks start once they are known; candidates
    /// added before are held (RFC 8838 §8). New credentials while checking are the peer's ICE
    /// restart, which restarts this side too (RFC 8445 §9).</summary>
    public void SetRemoteParameters(RTCIceParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (string.IsNullOrEmpty(parameters.UsernameFragment) || string.IsNullOrEmpty(parameters.Password))
            throw new ArgumentException("The remote ice-ufrag and ice-pwd must not be empty.", nameof(parameters));
        Post(() =>
        {
            SetupTrace.Mark("ice.loop.remote-parameters");
            _core.SetRemoteParameters(Now, parameters);
        });
    }

    /// <summary>A trickled remote candidate (RFC 8838), or null for end-of-candidates. Bad
    /// candidates are reported as <see cref="IceRemoteCandidateRejectedEvent"/>, not thrown.</summary>
    public void AddRemoteCandidate(RTCIceCandidate? candidate)
    {
        if (candidate is null) Post(() => _core.AddRemoteEndOfCandidates(Now));
        else Post(() =>
        {
            SetupTrace.Mark("ice.loop.remote-candidate");
            _core.AddRemoteCandidate(Now, candidate);
        });
    }

    /// <summary>The peer signalled end-of-candidates (RFC 8838 §4).</summary>
    public void AddRemoteEndOfCandidates() => AddRemoteCandidate(null);

    /// <summary>ICE restart (RFC 8445 §9): new local credentials, a new checklist once the
    /// peer's new credentials arrive; data keeps using the selected pair until a new one is up.
    /// Local candidates are announced again with the new ufrag; relayed candidates lost and not
    /// re-allocated are allocated again (and announced when ready).</summary>
    public Task<RTCIceParameters> RestartAsync() => InvokeAsync(() =>
    {
        var parameters = _core.Restart(Now);
        RetryAbandonedRelays();
        return parameters;
    });

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
        if (!_inputs.Writer.TryWrite(new Command(() => _afterBatch.Add(() => tcs.TrySetResult(_core.BuildDiagnostics())))))
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
        _inputs.Writer.TryWrite(new Command(() => _core.Close(Now)));
        _inputs.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        _stop.Cancel();
        await _timer.DisposeAsync().ConfigureAwait(false);
        foreach (var socket in _sockets.Values) await socket.DisposeAsync().ConfigureAwait(false);
        UnpublishMdnsNames();
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
        ObjectDisposedException.ThrowIf(!_inputs.Writer.TryWrite(new Command(action)), this);
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
}

/// <summary>Where the transport sends: the selected pair's socket and remote address.</summary>
internal sealed record SelectedRoute(IIcePacketSocket Socket, IPEndPoint Remote, PairTraffic Traffic, RTCIceCandidatePair Pair)
{
    /// <summary>The core's <see cref="IceRoute.Pair"/>, as last published.</summary>
    public RTCIceCandidatePair Pair { get; set; } = Pair;

    /// <summary>False once consent expired (RFC 7675 §5.1: stop sending) or the agent closed.</summary>
    public volatile bool Usable = true;
}
