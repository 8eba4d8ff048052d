using System.Collections.Concurrent;
using System.Net;
using WebRtcPS.Engine.Ice;

namespace WebRtcPS.Engine.Tests.Ice;

/// <summary>
/// An agent plus a pump that reads its event stream in order, keeps every event, and (when a
/// peer is attached) trickles gathered candidates and end-of-candidates to it.
/// </summary>
internal sealed class IceTestPeer : IAsyncDisposable
{
    private readonly ConcurrentQueue<IceEvent> _events = new();
    private readonly Task _pump;
    private volatile IceTestPeer? _peer;
    private volatile bool _trickle;

    public IceTestPeer(string name, IceAgentOptions options, IIceNetwork? network = null, TimeProvider? time = null)
    {
        Name = name;
        Agent = new IceAgent(options, network, time);
        _pump = Task.Run(PumpAsync);
    }

    public string Name { get; }
    public IceAgent Agent { get; }
    public IReadOnlyCollection<IceEvent> Events => _events;

    /// <summary>Loopback-only options (tests never send anywhere else), fast Ta.</summary>
    public static IceAgentOptions LoopbackOptions(RTCIceRole role) => new()
    {
        Role = role,
        InterfaceFilter = a => a.IsLoopback,
        Ta = TimeSpan.FromMilliseconds(10),
        CheckRto = TimeSpan.FromMilliseconds(100),
    };

    /// <summary>Forward our gathered candidates to <paramref name="peer"/> as they come (trickle).</summary>
    public void TrickleTo(IceTestPeer peer)
    {
        _peer = peer;
        _trickle = true;
        // Candidates gathered before attaching.
        foreach (var e in _events)
        {
            if (e is IceCandidateGatheredEvent g) peer.Agent.AddRemoteCandidate(g.Candidate);
            if (e is IceEndOfCandidatesEvent) peer.Agent.AddRemoteEndOfCandidates();
        }
    }

    private async Task PumpAsync()
    {
        await foreach (var e in Agent.Events.ReadAllAsync())
        {
            _events.Enqueue(e);
            if (!_trickle || _peer is not { } peer) continue;
            try
            {
                if (e is IceCandidateGatheredEvent g) peer.Agent.AddRemoteCandidate(g.Candidate);
                else if (e is IceEndOfCandidatesEvent) peer.Agent.AddRemoteEndOfCandidates();
            }
            catch (ObjectDisposedException)
            {
                // The peer is gone.
            }
        }
    }

    public static async Task ConnectAsync(IceTestPeer a, IceTestPeer b, bool trickle = true)
    {
        a.Agent.SetRemoteParameters(b.Agent.LocalParameters);
        b.Agent.SetRemoteParameters(a.Agent.LocalParameters);
        if (trickle)
        {
            a.TrickleTo(b);
            b.TrickleTo(a);
            a.Agent.StartGathering();
            b.Agent.StartGathering();
        }
        else
        {
            // Gather fully, then hand over all candidates at once (no trickle).
            a.Agent.StartGathering();
            b.Agent.StartGathering();
            await WaitGatheredAsync(a);
            await WaitGatheredAsync(b);
            foreach (var c in a.Agent.LocalCandidates) b.Agent.AddRemoteCandidate(c);
            b.Agent.AddRemoteEndOfCandidates();
            foreach (var c in b.Agent.LocalCandidates) a.Agent.AddRemoteCandidate(c);
            a.Agent.AddRemoteEndOfCandidates();
        }
    }

    public static async Task WaitGatheredAsync(IceTestPeer peer, int timeoutSeconds = 20)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        while (!peer._events.Any(e => e is IceEndOfCandidatesEvent))
        {
            await Task.Delay(5, cts.Token);
        }
    }

    public async Task<RTCIceTransportState> WaitForAsync(Func<RTCIceTransportState, bool> condition, int timeoutSeconds = 30)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        try
        {
            var state = await Agent.WaitForStateAsync(condition, cts.Token);
            // Let the pump catch up, so every event up to this state change is in Events.
            if (state != RTCIceTransportState.New)
            {
                while (!_events.Any(e => e is IceStateChangedEvent c && c.NewState == state)) await Task.Delay(2, cts.Token);
            }
            return state;
        }
        catch (OperationCanceledException)
        {
            var diagnostics = await Agent.GetDiagnosticsAsync();
            throw new Xunit.Sdk.XunitException($"{Name}: state condition not met in {timeoutSeconds} s; now {Agent.State}.\n{diagnostics}");
        }
    }

    /// <summary>Waits until the pump has seen an event matching <paramref name="match"/>.</summary>
    public async Task<T> WaitForEventAsync<T>(Func<T, bool>? match = null, int timeoutSeconds = 30) where T : IceEvent
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        while (true)
        {
            var found = _events.OfType<T>().FirstOrDefault(e => match?.Invoke(e) ?? true);
            if (found is not null) return found;
            try
            {
                await Task.Delay(5, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new Xunit.Sdk.XunitException($"{Name}: no {typeof(T).Name} in {timeoutSeconds} s.\n{await Agent.GetDiagnosticsAsync()}");
            }
        }
    }

    public Task<RTCIceTransportState> WaitConnectedAsync(int timeoutSeconds = 30) =>
        WaitForAsync(s => s is RTCIceTransportState.Connected or RTCIceTransportState.Completed, timeoutSeconds);

    public List<T> EventsOf<T>() where T : IceEvent => _events.OfType<T>().ToList();

    public static IPAddress V4(string text) => IPAddress.Parse(text);

    public async ValueTask DisposeAsync()
    {
        await Agent.DisposeAsync();
        await _pump;
    }
}
