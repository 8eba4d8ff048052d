using System.Management.Automation;
using WebRtcPS.Commands.Infrastructure;

namespace WebRtcPS.Commands.Peers;

/// <summary>Closes peers: the data channel, DTLS (close_notify), ICE, and their signaling streams.</summary>
[Cmdlet(VerbsCommon.Close, "WrtcPeer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = PeerSet)]
[OutputType(typeof(WrtcPeer))]
public sealed class CloseWrtcPeerCommand : AsyncPipelineCmdlet
{
    private const string PeerSet = "Peer";
    private const string AllSet = "All";
    private const string IdSet = "Id";

    [Parameter(ParameterSetName = PeerSet, Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public WrtcPeer[] Peer { get; set; } = [];

    /// <summary>Peers by id (completes this session's peers); bound by property name from Get-WrtcPeer.</summary>
    [Parameter(ParameterSetName = IdSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.PeerIdCompleter))]
    public string[] Id { get; set; } = [];

    /// <summary>Closes every peer of this session.</summary>
    [Parameter(ParameterSetName = AllSet, Mandatory = true)]
    public SwitchParameter All { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var peers = ParameterSetName switch
        {
            AllSet => PeerRegistry.All.ToArray(),
            IdSet => Id.Select(id => PeerLookup.Find(this, id)).OfType<WrtcPeer>().ToArray(),
            _ => Peer,
        };
        foreach (var peer in peers)
        {
            if (!ShouldProcess($"{peer.Id} -> {peer.RemoteId}", "Close WebRTC peer")) continue;
            PeerRegistry.Remove(peer);
            try
            {
                // Ctrl+C stops the wait, not the close: the teardown goes on without this command.
                peer.Session?.DisposeAsync().AsTask().WaitAsync(StopToken).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
            {
                return;
            }
            if (PassThru) WriteObject(peer);
        }
    }
}
