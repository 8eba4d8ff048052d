using System.Management.Automation;
using WebRtcPS.Commands.Infrastructure;

namespace WebRtcPS.Commands.Peers;

/// <summary>Receives messages from a connected peer's channel: -Count of them, within -TimeoutSec.</summary>
[Cmdlet(VerbsCommunications.Receive, "WrtcMessage", DefaultParameterSetName = PeerSet)]
[OutputType(typeof(WrtcMessage))]
public sealed class ReceiveWrtcMessageCommand : AsyncPipelineCmdlet
{
    private const string PeerSet = "Peer";
    private const string IdSet = "Id";

    [Parameter(ParameterSetName = PeerSet, Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public WrtcPeer Peer { get; set; } = null!;

    /// <summary>The peer by id (completes this session's peers); bound by property name from Get-WrtcPeer.</summary>
    [Parameter(ParameterSetName = IdSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.PeerIdCompleter))]
    public string Id { get; set; } = "";

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Count { get; set; } = 1;

    [Parameter]
    [ValidateRange(0, 86400)]
    public double TimeoutSec { get; set; } = 10;

    protected override void ProcessRecord()
    {
        if (ParameterSetName == IdSet)
        {
            if (PeerLookup.Find(this, Id) is not { } byId) return;
            Peer = byId;
        }
        var session = Peer.Session;
        if (session is null)
        {
            WriteError(new ErrorRecord(new InvalidOperationException($"Peer '{Peer.Id}' is not connected. Connect it first with Connect-WrtcPeer -PassThru."),
                "PeerNotConnected", ErrorCategory.InvalidOperation, Peer));
            return;
        }
        var received = RunToCompletion(async ct =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(TimeoutSec));
            var n = 0;
            try
            {
                while (n < Count)
                {
                    var m = await session.Messages.ReadAsync(timeout.Token).ConfigureAwait(false);
                    PostObject(new WrtcMessage(Peer.Id, m.Timestamp, m.Elapsed, MessageDirection.Received, m.Label, m.IsText, m.Data));
                    n++;
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
            }
            catch (System.Threading.Channels.ChannelClosedException)
            {
            }
            return n;
        });
        if (received < Count && !StopToken.IsCancellationRequested)
        {
            WriteError(new ErrorRecord(new TimeoutException($"Received {received} of {Count} message(s) from '{Peer.RemoteId}' within {TimeoutSec} s (connection {Peer.ConnectionState}, channel {Peer.ChannelState})."),
                "ReceiveTimeout", ErrorCategory.OperationTimeout, Peer));
        }
    }
}
