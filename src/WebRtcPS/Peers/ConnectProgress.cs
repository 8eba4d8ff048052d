using System.Management.Automation;
using WebRtcPS.Commands.Infrastructure;
using WebRtcPS.Signaling.Peers;

namespace WebRtcPS.Commands.Peers;

/// <summary>
/// Connect-WrtcPeer's progress bar: which stage the connection is in (signaling, gathering,
/// checking pairs, DTLS, SCTP, channel), as the peer's events tell it, against -TimeoutSec.
/// Fed in order from the peer's event pump; the records are written on the pipeline thread.
/// </summary>
internal sealed class ConnectProgress(string peerId, string remoteId, TimeSpan timeout)
{
    private readonly ProgressReporter _reporter = new($"Connecting '{peerId}' to '{remoteId}'", timeout);
    private int _local;
    private int _remote;
    private string _stage = "Signaling: registering and waiting for the other peer";

    public ProgressRecord Start() => _reporter.Step(_stage);

    /// <summary>The same stage, its percentage moved on (a timer calls this between events).</summary>
    public ProgressRecord Refresh() => _reporter.Step(_stage, Counts());

    public ProgressRecord Completed() => _reporter.Completed();

    /// <summary>The record for <paramref name="e"/>, or null when it does not move the stage on.</summary>
    public ProgressRecord? On(SeedPeerEvent e)
    {
        switch (e)
        {
            case SeedPeerCandidateEvent c:
                if (c.IsLocal) _local++;
                else _remote++;
                break;
            case SeedPeerSignalingEvent s:
                _stage = s.Sent ? $"Signaling: sent {s.Type} to '{s.Peer}'" : $"Signaling: received {s.Type} from '{s.Peer}'";
                break;
            case SeedPeerStateEvent s:
                var stage = Stage(s);
                if (stage is null) return null;
                _stage = stage;
                break;
            default:
                return null;
        }
        return _reporter.Step(_stage, Counts());
    }

    private string Counts() => $"{_local} local, {_remote} remote candidate(s)";

    private string? Stage(SeedPeerStateEvent s) => (s.Machine, s.To) switch
    {
        (SeedPeerMachine.Gathering, "gathering") => "Gathering candidates",
        (SeedPeerMachine.Gathering, "complete") => "Gathering complete",
        (SeedPeerMachine.Ice, "checking") => $"Checking candidate pairs (up to {Math.Max(1, _local * _remote)} so far)",
        (SeedPeerMachine.Ice, "connected" or "completed") => "ICE connected; DTLS handshake",
        (SeedPeerMachine.Dtls, "connecting") => "DTLS handshake",
        (SeedPeerMachine.Dtls, "connected") => "DTLS connected; SCTP association",
        (SeedPeerMachine.Sctp, "connecting") => "SCTP association",
        (SeedPeerMachine.Sctp, "connected") => "SCTP connected; opening the data channel",
        (SeedPeerMachine.Channel, "open") => "Data channel open; exchanging greetings",
        _ => null,
    };
}
