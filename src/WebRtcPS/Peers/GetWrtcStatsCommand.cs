using System.Management.Automation;
using WebRtcPS.Commands.Infrastructure;

namespace WebRtcPS.Commands.Peers;

/// <summary>
/// The W3C statistics of a connected peer: peer-connection, transport, candidate pairs, local and
/// remote candidates, data channels; one flat object per entry.
/// </summary>
[Cmdlet(VerbsCommon.Get, "WrtcStats")]
[OutputType(typeof(RTCStats))]
public sealed class GetWrtcStatsCommand : AsyncPipelineCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public WrtcPeer Peer { get; set; } = null!;

    /// <summary>Only entries of these types (peer-connection, transport, candidate-pair, local-candidate, remote-candidate, data-channel).</summary>
    [Parameter]
    [ValidateSet("peer-connection", "transport", "candidate-pair", "local-candidate", "remote-candidate", "data-channel")]
    public string[]? Type { get; set; }

    protected override void ProcessRecord()
    {
        if (Peer.Session?.Connection is not { } connection)
        {
            WriteError(new ErrorRecord(new InvalidOperationException($"Peer '{Peer.Id}' is not connected."),
                "PeerNotConnected", ErrorCategory.InvalidOperation, Peer));
            return;
        }
        RTCStatsReport report;
        try
        {
            report = connection.GetStatsAsync(StopToken).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            return;
        }
        foreach (var stats in report.Entries)
        {
            if (Type is null || Type.Contains(stats.Type, StringComparer.OrdinalIgnoreCase)) WriteObject(stats);
        }
    }
}
