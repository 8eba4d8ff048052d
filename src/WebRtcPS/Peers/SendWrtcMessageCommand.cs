using System.Management.Automation;
using WebRtcPS.Commands.Infrastructure;

namespace WebRtcPS.Commands.Peers;

/// <summary>Sends text (one message per string, pipeline included) or bytes on a connected peer's channel.</summary>
[Cmdlet(VerbsCommunications.Send, "WrtcMessage", DefaultParameterSetName = TextSet)]
[OutputType(typeof(WrtcMessage))]
public sealed class SendWrtcMessageCommand : AsyncPipelineCmdlet
{
    private const string TextSet = "Text";
    private const string BytesSet = "Bytes";
    private const string IdTextSet = "IdText";
    private const string IdBytesSet = "IdBytes";

    [Parameter(ParameterSetName = TextSet, Mandatory = true, Position = 0)]
    [Parameter(ParameterSetName = BytesSet, Mandatory = true, Position = 0)]
    public WrtcPeer Peer { get; set; } = null!;

    /// <summary>The peer by id (completes this session's peers); bound by property name from Get-WrtcPeer.</summary>
    [Parameter(ParameterSetName = IdTextSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = IdBytesSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.PeerIdCompleter))]
    public string Id { get; set; } = "";

    [Parameter(ParameterSetName = TextSet, Mandatory = true, Position = 1, ValueFromPipeline = true)]
    [Parameter(ParameterSetName = IdTextSet, Mandatory = true, Position = 1, ValueFromPipeline = true)]
    [AllowEmptyString]
    public string Message { get; set; } = "";

    [Parameter(ParameterSetName = BytesSet, Mandatory = true)]
    [Parameter(ParameterSetName = IdBytesSet, Mandatory = true)]
    public byte[] Bytes { get; set; } = [];

    /// <summary>Output each sent message.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName is IdTextSet or IdBytesSet && PeerLookup.Find(this, Id) is { } byId) Peer = byId;
        else if (ParameterSetName is IdTextSet or IdBytesSet) return;
        var session = Peer.Session;
        if (session?.DataChannel is not { ReadyState: RTCDataChannelState.Open } channel)
        {
            WriteError(new ErrorRecord(new InvalidOperationException($"Peer '{Peer.Id}' has no open data channel (connection {Peer.ConnectionState}, channel {Peer.ChannelState}). Connect it first with Connect-WrtcPeer -PassThru."),
                "PeerNotConnected", ErrorCategory.InvalidOperation, Peer));
            return;
        }
        var isText = ParameterSetName is TextSet or IdTextSet;
        var data = isText ? System.Text.Encoding.UTF8.GetBytes(Message) : Bytes;
        try
        {
            // Blocks only while the channel's buffer is full (backpressure); Ctrl+C ends the wait.
            if (isText) session.SendAsync(Message, StopToken).AsTask().GetAwaiter().GetResult();
            else session.SendAsync(Bytes, StopToken).AsTask().GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex) when (ex is RTCDomException or InvalidOperationException or IOException or ArgumentException)
        {
            WriteError(new ErrorRecord(ex, "MessageSendFailed", ErrorCategory.WriteError, Peer));
            return;
        }
        if (PassThru) WriteObject(new WrtcMessage(Peer.Id, DateTimeOffset.Now, session.Elapsed, MessageDirection.Sent, channel.Label, isText, data));
    }
}
