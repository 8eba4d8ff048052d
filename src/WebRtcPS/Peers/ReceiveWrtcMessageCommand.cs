using System.Management.Automation;
using WebRtcPS.Commands.Infrastructure;
using WebRtcPS.Engine.DataChannels;

namespace WebRtcPS.Commands.Peers;

/// <summary>
/// Receives messages from a connected peer's channel: -Count of them, within -TimeoutSec; or with
/// -Continuous every message as it comes, until Ctrl+C, -TimeoutSec (when given) or the channel closes.
/// </summary>
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

    /// <summary>Receive until Ctrl+C, -TimeoutSec (only when given) or the channel closes, instead of -Count messages.</summary>
    [Parameter]
    public SwitchParameter Continuous { get; set; }

    protected override void ProcessRecord()
    {
        if (Continuous && MyInvocation.BoundParameters.ContainsKey(nameof(Count)))
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-Count and -Continuous cannot be used together: -Continuous receives until Ctrl+C, -TimeoutSec or the channel closes."),
                "ContinuousWithCount", ErrorCategory.InvalidArgument, null));
        }
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
        TimeSpan? timeout = Continuous && !MyInvocation.BoundParameters.ContainsKey(nameof(TimeoutSec)) ? null : TimeSpan.FromSeconds(TimeoutSec);
        var want = Continuous ? int.MaxValue : Count;
        var progress = new ProgressReporter($"Receiving from '{Peer.RemoteId}'");
        var showProgress = !Continuous && Count > 1;
        int received;
        try
        {
            received = RunToCompletion(async ct =>
            {
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
                if (timeout is { } t) limit.CancelAfter(t);
                var closed = ChannelClosed(session.DataChannel);
                var n = 0;
                try
                {
                    while (n < want)
                    {
                        var read = session.Messages.ReadAsync(limit.Token).AsTask();
                        // A closed channel ends a continuous receive once what it delivered is read.
                        if (Continuous && !session.Messages.TryPeek(out _) && await Task.WhenAny(read, closed).ConfigureAwait(false) != read)
                        {
                            await limit.CancelAsync().ConfigureAwait(false); // the pending read must not take a later message
                            break;
                        }
                        var m = await read.ConfigureAwait(false);
                        PostObject(new WrtcMessage(Peer.Id, m.Timestamp, m.Elapsed, MessageDirection.Received, m.Label, m.IsText, m.Data));
                        n++;
                        if (showProgress) PostProgress(progress.Count(n, Count, $"{n} of {Count} message(s)"));
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
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            return;
        }
        if (showProgress) WriteProgress(progress.Completed());
        if (!Continuous && received < Count && !StopToken.IsCancellationRequested)
        {
            WriteError(new ErrorRecord(new TimeoutException($"Received {received} of {Count} message(s) from '{Peer.RemoteId}' within {TimeoutSec} s (connection {Peer.ConnectionState}, channel {Peer.ChannelState})."),
                "ReceiveTimeout", ErrorCategory.OperationTimeout, Peer));
        }
    }

    /// <summary>Completes when <paramref name="channel"/> closes (at once if it is not open).</summary>
    private static Task ChannelClosed(RTCDataChannel? channel)
    {
        if (channel is null || channel.ReadyState is RTCDataChannelState.Closing or RTCDataChannelState.Closed) return Task.CompletedTask;
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        channel.OnClose += (_, _) => closed.TrySetResult();
        if (channel.ReadyState == RTCDataChannelState.Closed) closed.TrySetResult();
        return closed.Task;
    }
}
