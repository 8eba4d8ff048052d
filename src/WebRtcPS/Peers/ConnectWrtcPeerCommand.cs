using System.Management.Automation;
using WebRtcPS.Commands.Infrastructure;
using WebRtcPS.Signaling.Peers;

namespace WebRtcPS.Commands.Peers;

/// <summary>
/// Runs the original tool's workflow for a peer: signaling, offer/answer, trickled candidates,
/// the data channel and the greetings, writing every candidate, state change, the selected pair
/// and the messages to the pipeline as they happen.
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "WrtcPeer", DefaultParameterSetName = NewPeerSet)]
[OutputType(typeof(IceCandidateEvent), typeof(StateChange), typeof(SelectedCandidatePair), typeof(WrtcMessage), typeof(WrtcPeer))]
[OutputType("System.Management.Automation.Job")]
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

    /// <summary>Also output the connected peer, for Send-WrtcMessage and Receive-WrtcMessage (and keep it open).</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Once connected, send every received message back until the channel closes or Ctrl+C (no greetings).</summary>
    [Parameter]
    public SwitchParameter Echo { get; set; }

    /// <summary>Run in a thread job (Receive-Job, Wait-Job, Stop-Job) and return the job at once.</summary>
    [Parameter]
    public SwitchParameter AsJob { get; set; }

    protected override void ProcessRecord()
    {
        if (AsJob)
        {
            WriteObject(ThreadJobLauncher.Launch(this, $"Connect-WrtcPeer {Peer?.Id ?? Id ?? Role.ToString()}"));
            return;
        }
        var peer = Peer;
        var created = peer is null;
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

        using var log = OpenEngineLog();
        var options = peer.Options with
        {
            Greeting = Greeting,
            SendGreeting = !NoGreeting && !Echo,
            WaitForRemoteGreeting = !NoGreeting && !Echo,
            Configuration = log?.Apply(peer.Options.Configuration) ?? peer.Options.Configuration,
        };
        var session = new SeedPeer(options);
        peer.Session = session;
        WriteVerbose($"{options.Role} '{peer.Id}' connecting to '{peer.RemoteId}' through {options.SignalingUri}");

        var timeout = TimeSpan.FromSeconds(TimeoutSec);
        var progress = new ConnectProgress(peer.Id, peer.RemoteId, timeout);
        var connected = false;
        try
        {
            WriteProgress(progress.Start());
            using (new Timer(_ => PostProgress(progress.Refresh()), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)))
            {
                RunToCompletion(ct => session.ConnectAsync(timeout, e => Forward(peer, progress, e), ct));
            }
            connected = true;
            WriteProgress(progress.Completed());
            if (Echo)
            {
                WriteVerbose($"'{peer.Id}' echoes every message until the channel closes or Ctrl+C.");
                RunToCompletion(ct => EchoLoop.RunAsync(peer, session, PostObject, ct));
            }
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
                        : "The message ends with the likely cause; the candidates and pairs above show what was tried. Get-Help about_WebRtcPS_Troubleshooting says what each NAT type needs (a STUN server, a TURN server, TURN over TCP or TLS where UDP is blocked).",
                },
            });
            return;
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            return;
        }
        finally
        {
            // A failed, timed-out or stopped connect leaves nothing behind; a connected peer
            // stays only when the user asked to keep it (-PassThru, or a New-WrtcPeer peer).
            var keep = connected && !StopToken.IsCancellationRequested && (PassThru || !created);
            if (!keep) PeerRelease.Release(peer, session, unregister: created, flush: connected);
        }

        if (PassThru) WriteObject(peer);
    }

    private void Forward(WrtcPeer peer, ConnectProgress progress, SeedPeerEvent e)
    {
        if (progress.On(e) is { } record) PostProgress(record);
        var output = PeerEventWriter.ToOutput(peer, e, out var verbose, out var warning);
        if (output is not null && IsIncluded(output)) PostObject(output);
        if (verbose is not null) PostVerbose(verbose);
        if (warning is not null) PostWarning(warning);
    }

}
