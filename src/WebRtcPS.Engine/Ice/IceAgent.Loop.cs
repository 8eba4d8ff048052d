using System.Net;
using System.Net.Sockets;
using WebRtcPS.Engine.Runtime;
using WebRtcPS.Engine.Stun;

namespace WebRtcPS.Engine.Ice;

// The loop: inputs go to the core one at a time; after each, what the core produced is taken
// (snapshots published, events delivered, I/O performed, datagrams queued); each batch ends with
// the core's service routine, the queued datagrams sent, and the timer re-armed.
public sealed partial class IceAgent
{
    private readonly List<(IIcePacketSocket Socket, byte[] Data, IPEndPoint To)> _outbox = [];
    private readonly List<Action> _afterBatch = [];
    private readonly List<StateWaiter> _waiters = [];
    private IceRoute? _coreRoute;
    private IceRoute? _coreEarlyRoute;

    private async Task RunAsync()
    {
        var reader = _inputs.Reader;
        // One service per batch, at its end (the Tick below), as RFC 8445 pacing sends one
        // check per Ta slot whatever the batch held.
        _core.DeferService = true;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var input))
                {
                    Handle(input);
                }
                EndBatch();
                await FlushAsync().ConfigureAwait(false);
                // Only now, after the batch's datagrams: the DTLS flight a new route releases leaves
                // after the controlling agent's nominating check, so the peer answers the check
                // first, not after that flight's crypto (which held the nomination a millisecond).
                if (DataRoute is not null) CompleteDataRouteWaiters();
                ArmTimer();
                foreach (var action in _afterBatch) action();
                _afterBatch.Clear();
            }
        }
        finally
        {
            _finalDiagnostics = _core.BuildDiagnostics();
            foreach (var action in _afterBatch) action();
            _afterBatch.Clear();
            foreach (var waiter in _waiters) waiter.Completion.TrySetResult(_core.State);
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
                    SetupTrace.Mark("ice.loop.stun");
                    _core.ReceiveStun(Now, stun.Socket, stun.Message, stun.From);
                    break;
                case Command command:
                    command.Run();
                    break;
                case TimerTick:
                    // The batch's service routine handles whatever is due.
                    break;
            }
        }
        catch (Exception ex)
        {
            // Neither peer input nor a malformed API argument takes the loop down; a bug here is
            // reported in the diagnostics.
            ReportInternalError($"{input.GetType().Name}: {ex.GetType().Name}: {ex.Message}");
        }
        TakeOutputs();
    }

    private void EndBatch()
    {
        try
        {
            _core.DeferService = false;
            _core.Tick(Now);
        }
        catch (Exception ex)
        {
            // A bug must not stop the loop (the agent would hang silently); it is reported.
            ReportInternalError($"service: {ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            _core.DeferService = true;
        }
        TakeOutputs();
    }

    /// <summary>Takes what the core produced: published snapshots, validated peer addresses,
    /// datagrams to send, events, and I/O requests (performed here; those answered at once feed
    /// the core again, so this repeats until nothing is left).</summary>
    private void TakeOutputs()
    {
        try
        {
            while (true)
            {
                Publish();
                foreach (var (remote, traffic) in _core.ValidatedRemotes) _knownRemotes[remote] = traffic;
                _core.ValidatedRemotes.Clear();
                foreach (var datagram in _core.Datagrams)
                {
                    if (_sockets.TryGetValue(datagram.Socket, out var socket)) _outbox.Add((socket, datagram.Data, datagram.To));
                }
                _core.Datagrams.Clear();
                foreach (var e in _core.Events) Deliver(e);
                _core.Events.Clear();
                if (_core.Requests.Count == 0) return;
                var requests = _core.Requests.ToArray();
                _core.Requests.Clear();
                foreach (var request in requests) Perform(request);
            }
        }
        catch (Exception ex)
        {
            ReportInternalError($"I/O: {ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>The snapshots other threads read, from the core's state after the last input.</summary>
    private void Publish()
    {
        _publishedLocal = _core.LocalParameters;
        _publishedRemote = _core.RemoteParameters;
        _publishedLocalCandidates = _core.LocalCandidates;
        _publishedRemoteCandidates = _core.RemoteCandidates;
        _publishedGatheringState = _core.GatheringState;
        _publishedRole = _core.Role;
        _publishedState = _core.State;
        var route = _core.Route;
        if (!ReferenceEquals(route, _coreRoute))
        {
            if (_route is { } old) old.Usable = false;
            _coreRoute = route;
            _route = Publish(route);
            SetupTrace.Mark("ice.route.selected");
        }
        if (route is { Usable: false } && _route is { } current) current.Usable = false;
        var early = _core.EarlyRoute;
        if (!ReferenceEquals(early, _coreEarlyRoute))
        {
            if (_earlyRoute is { } oldEarly) oldEarly.Usable = false;
            _coreEarlyRoute = early;
            _earlyRoute = Publish(early);
            SetupTrace.Mark("ice.route.early");
        }
        if (route is not null && _route is { } selected && !ReferenceEquals(selected.Pair, route.Pair)) selected.Pair = route.Pair;
    }

    private void Deliver(IceEvent e)
    {
        if (SetupTrace.Enabled) SetupTrace.Mark("ice.event", e.GetType().Name);
        _events.Writer.TryWrite(e);
        if (_options.Logger is { } logger) Log(logger, e);
        if (e is not IceStateChangedEvent changed) return;
        for (int i = _waiters.Count - 1; i >= 0; i--)
        {
            if (!_waiters[i].Condition(changed.NewState)) continue;
            _waiters[i].Completion.TrySetResult(changed.NewState);
            _waiters.RemoveAt(i);
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
                if (SetupTrace.Enabled) SetupTrace.Mark("ice.out", SetupTrace.Classify(data));
                await socket.SendToAsync(data, to).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or InvalidOperationException or ArgumentException)
            {
                // Unreachable destination, a closed socket or an address of the wrong family:
                // as lost as a dropped datagram.
            }
        }
    }

    private void ArmTimer()
    {
        if (_core.NextDeadline is not { } due)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }
        var delay = due - Now;
        _timer.Change(delay < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : delay, Timeout.InfiniteTimeSpan);
    }

    private void CompleteDataRouteWaiters()
    {
        for (int i = _waiters.Count - 1; i >= 0; i--)
        {
            if (!_waiters[i].OrDataRoute) continue;
            _waiters[i].Completion.TrySetResult(_core.State);
            _waiters.RemoveAt(i);
        }
    }

    private void AddWaiter(StateWaiter waiter)
    {
        if (waiter.Condition(_core.State) || (waiter.OrDataRoute && DataRoute is not null))
        {
            waiter.Completion.TrySetResult(_core.State);
            return;
        }
        if (waiter.CancellationToken.CanBeCanceled)
        {
            waiter.CancellationToken.Register(() =>
            {
                if (waiter.Completion.TrySetCanceled(waiter.CancellationToken)) _inputs.Writer.TryWrite(new Command(() => _waiters.Remove(waiter)));
            });
        }
        _waiters.Add(waiter);
    }

    private void ReportInternalError(string error)
    {
        _core.ReportInternalError(error);
        if (_options.Logger is { } logger) IceLog.InternalError(logger, error);
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
            case IceTcpConnectionEvent t:
                var local = t.LocalAddress ?? EndPointText(t.LocalCandidate);
                if (t.Open) IceLog.TcpConnectionOpened(logger, local, t.RemoteAddress);
                else IceLog.TcpConnectionClosed(logger, local, t.RemoteAddress, t.Reason ?? "");
                break;
        }
    }

    private static string EndPointText(RTCIceCandidate candidate) =>
        IPAddress.TryParse(candidate.Address, out var address) ? new IPEndPoint(address, candidate.Port).ToString() : $"{candidate.Address}:{candidate.Port}";

    private abstract record IceInput;

    private sealed record StunReceived(IceSocketId Socket, StunMessage Message, IPEndPoint From) : IceInput;

    private sealed record Command(Action Run) : IceInput;

    private sealed record TimerTick : IceInput
    {
        public static readonly TimerTick Instance = new();
    }

    private sealed class StateWaiter(Func<RTCIceTransportState, bool> condition, CancellationToken cancellationToken)
    {
        public Func<RTCIceTransportState, bool> Condition { get; } = condition;
        public CancellationToken CancellationToken { get; } = cancellationToken;
        public TaskCompletionSource<RTCIceTransportState> Completion { get; init; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Also completes once a data route exists (<see cref="DataRoute"/>).</summary>
        public bool OrDataRoute { get; init; }
    }

    /// <summary>The core's route as the send path sees it (its socket resolved); null when the
    /// socket is gone.</summary>
    private SelectedRoute? Publish(IceRoute? route) =>
        route is not null && _sockets.TryGetValue(route.Socket, out var socket)
            ? new SelectedRoute(socket, route.Remote, route.Traffic, route.Pair)
            : null;
}
