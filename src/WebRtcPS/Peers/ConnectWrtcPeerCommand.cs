using System.Management.Automation;
using WebRtcPS.Signaling.Peers;

namespace WebRtcPS.Commands.Peers;

/// <summary>
/// Runs the original tool's workflow for a peer: signaling, offer/answer, trickled candidates,
/// the data channel and the greetings, writing every candidate, state change, the selected pair
/// and the messages to the pipeline as they happen.
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "WrtcPeer", DefaultParameterSetName = NewPeerSet)]
[OutputType(typeof(IceCandidateEvent), typeof(StateChange), typeof(SelectedCandidatePair), typeof(WrtcMessage), typeof(WrtcPeer))]
public sealed partial class ConnectWrtcPeerCommand : PeerConfigurationCmdlet
{
    private const string PeerSet = "Peer";

    /// <summary>A peer from New-WrtcPeer.</summary>
    [Parameter(ParameterSetName = PeerSet, Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public WrtcPeer? Peer { get; set; }

    /// <summary>Text sent once the channel opens (default: the original's greeting for the role).</summary>
    [Parameter]
    [ValidateNotNull]
    public string? Greeting { get; set; }

    /// <summary>Send no greeting and wait for none.</summary>
    [Parameter]
    public SwitchParameter NoGreeting { get; set; }

    /// <summary>How long to wait for the connection (and the remote greeting).</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSec { get; set; } = 30;

    /// <summary>Only these events in the output (Candidate, State, Pair, Message); all when omitted.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public PeerEventType[]? Include { get; set; }

    /// <summary>Also output the connected peer, for Send-WrtcMessage and Receive-WrtcMessage.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var peer = Peer;
        if (peer is null)
        {
            peer = new WrtcPeer(BuildOptions());
            PeerRegistry.Add(peer);
        }
        else if (peer.Session is not null)
        {
            WriteError(new ErrorRecord(new InvalidOperationException($"Peer '{peer.Id}' was already connected; create a new one with New-WrtcPeer."),
                "PeerAlreadyConnected", ErrorCategory.InvalidOperation, peer));
            return;
        }

        var options = peer.Options with
        {
            Greeting = Greeting,
            SendGreeting = !NoGreeting,
            WaitForRemoteGreeting = !NoGreeting,
        };
        var session = new SeedPeer(options);
        peer.Session = session;
        WriteVerbose($"{options.Role} '{peer.Id}' connecting to '{peer.RemoteId}' through {options.SignalingUri}");

        try
        {
            RunToCompletion(ct => session.ConnectAsync(TimeSpan.FromSeconds(TimeoutSec), e => Forward(peer, e), ct));
        }
        catch (SeedPeerException ex)
        {
            var category = ex.Error switch
            {
                SeedPeerError.Timeout => ErrorCategory.OperationTimeout,
                SeedPeerError.Signaling => ErrorCategory.ConnectionError,
                SeedPeerError.Protocol => ErrorCategory.InvalidData,
                _ => ErrorCategory.ConnectionError,
            };
            WriteError(new ErrorRecord(ex, "PeerConnect" + ex.Error, category, peer)
            {
                ErrorDetails = new ErrorDetails($"{ex.Message}{Environment.NewLine}{ex.Diagnostics}")
                {
                    RecommendedAction = ex.Error == SeedPeerError.Signaling
                        ? "Check that the signaling server is running and reachable from this host (Start-WrtcSignalingServer)."
                        : "Read the candidates and pairs above: no pair got a response means UDP is blocked between the hosts; try -IceServer with a TURN server and -RelayOnly.",
                },
            });
            return;
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            return;
        }

        if (PassThru) WriteObject(peer);
    }

    private void Forward(WrtcPeer peer, SeedPeerEvent e)
    {
        var output = PeerEventWriter.ToOutput(peer, e, out var verbose, out var warning);
        if (output is not null && IsIncluded(output)) PostObject(output);
        if (verbose is not null) PostVerbose(verbose);
        if (warning is not null) PostWarning(warning);
    }

}
