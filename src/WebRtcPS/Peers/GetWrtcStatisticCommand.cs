using System.Management.Automation;
using WebRtcPS.Commands.Infrastructure;

namespace WebRtcPS.Commands.Peers;

/// <summary>
/// The W3C statistics of a connected peer: peer-connection, transport, candidate pairs, local and
/// remote candidates, data channels; one flat object per entry, one shape per type.
/// Get-WrtcStats, its earlier name, stays as an alias.
/// </summary>
[Cmdlet(VerbsCommon.Get, "WrtcStatistic", DefaultParameterSetName = PeerSet)]
[Alias("Get-WrtcStats")]
[OutputType(typeof(PeerConnectionStatistic), typeof(TransportStatistic), typeof(CandidatePairStatistic), typeof(CandidateStatistic), typeof(DataChannelStatistic))]
public sealed class GetWrtcStatisticCommand : AsyncPipelineCmdlet
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

    /// <summary>Only entries of these types (peer-connection, transport, candidate-pair, local-candidate, remote-candidate, data-channel).</summary>
    [Parameter]
    [ValidateSet("peer-connection", "transport", "candidate-pair", "local-candidate", "remote-candidate", "data-channel")]
    public string[]? Type { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == IdSet)
        {
            if (PeerLookup.Find(this, Id) is not { } byId) return;
            Peer = byId;
        }
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
            if (Type is not null && !Type.Contains(stats.Type, StringComparer.OrdinalIgnoreCase)) continue;
            if (PeerStatistic.From(Peer.Id, stats) is { } output) WriteObject(output);
        }
    }
}
