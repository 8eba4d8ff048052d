using System.Management.Automation;
using WebRtcPS.Commands.Infrastructure;
using WebRtcPS.Signaling.Peers;

namespace WebRtcPS.Commands.Peers;

/// <summary>
/// Restarts ICE on a connected peer (RFC 8445 §9, W3C restartIce()) and renegotiates over its
/// signaling: the offerer sends a new offer with a new ice-ufrag/ice-pwd; the answerer, which the
/// seed protocol lets send no offers, waits for the offerer's restart (it answers it by itself).
/// Writes the candidates, state changes and the new selected pair as Connect-WrtcPeer does, until
/// the new generation is connected; the data channel carries on (after a failure, it comes back).
/// </summary>
[Cmdlet(VerbsLifecycle.Restart, "WrtcIce", SupportsShouldProcess = true, DefaultParameterSetName = PeerSet)]
[OutputType(typeof(IceCandidateEvent), typeof(StateChange), typeof(SelectedCandidatePair), typeof(WrtcPeer))]
public sealed class RestartWrtcIceCommand : AsyncPipelineCmdlet
{
    private const string PeerSet = "Peer";
    private const string IdSet = "Id";

    /// <summary>A connected peer (Connect-WrtcPeer -PassThru, Get-WrtcPeer).</summary>
    [Parameter(ParameterSetName = PeerSet, Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public WrtcPeer Peer { get; set; } = null!;

    /// <summary>The peer by id (completes this session's peers); bound by property name.</summary>
    [Parameter(ParameterSetName = IdSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.PeerIdCompleter))]
    public string Id { get; set; } = "";

    /// <summary>How long to wait for the new generation to connect.</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSec { get; set; } = 30;

    /// <summary>Only these events in the output (Candidate, State, Pair); all when omitted.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public PeerEventType[]? Include { get; set; }

    /// <summary>Also output the peer once it is connected again.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == IdSet)
        {
            if (PeerLookup.Find(this, Id) is not { } byId) return;
            Peer = byId;
        }
        var peer = Peer;
        if (peer.Session is not { Connection: not null } session || session.DataChannel is null)
        {
            WriteError(new ErrorRecord(new InvalidOperationException($"Peer '{peer.Id}' is not connected (connection {peer.ConnectionState}); ICE can be restarted only on a peer connected with Connect-WrtcPeer -PassThru."),
                "PeerNotConnected", ErrorCategory.InvalidOperation, peer));
            return;
        }
        var offerer = session.Options.Role == SeedPeerRole.Offerer;
        var action = offerer ? "Restart ICE (new credentials, new offer)" : "Wait for the offerer's ICE restart";
        if (!ShouldProcess($"{peer.Id} -> {peer.RemoteId}", action)) return;

        WriteVerbose(offerer
            ? $"'{peer.Id}' restarts ICE: a new offer with new ICE credentials to '{peer.RemoteId}'."
            : $"'{peer.Id}' is the answerer: waiting for '{peer.RemoteId}' to restart ICE (in the seed protocol only the offerer sends offers).");
        try
        {
            RunToCompletion(ct => session.RestartIceAsync(TimeSpan.FromSeconds(TimeoutSec), e => Forward(peer, e), ct));
        }
        catch (SeedPeerException ex)
        {
            var category = ex.Error switch
            {
                SeedPeerError.Timeout => ErrorCategory.OperationTimeout,
                SeedPeerError.Protocol => ErrorCategory.InvalidData,
                _ => ErrorCategory.ConnectionError,
            };
            WriteError(new ErrorRecord(ex, "IceRestart" + ex.Error, category, peer)
            {
                ErrorDetails = new ErrorDetails($"{ex.Message}{Environment.NewLine}{ex.Diagnostics}")
                {
                    RecommendedAction = offerer
                        ? "The message ends with the likely cause; the pairs above show what the new generation tried. The path may still be down: restart again once it is back."
                        : $"Run Restart-WrtcIce on the offerer '{peer.RemoteId}' while this one waits (or give it a longer -TimeoutSec).",
                },
            });
            return;
        }
        catch (InvalidOperationException ex)
        {
            WriteError(new ErrorRecord(ex, "IceRestartNotPossible", ErrorCategory.InvalidOperation, peer));
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
        if (output is not null && (Include is null || output is not PeerEvent pe || Include.Contains(pe.EventType))) PostObject(output);
        if (verbose is not null) PostVerbose(verbose);
        if (warning is not null) PostWarning(warning);
    }
}
