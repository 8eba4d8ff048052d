using System.Management.Automation;

namespace WebRtcPS.Commands.Peers;

/// <summary>Lists the peers of this session with their states and selected pair.</summary>
[Cmdlet(VerbsCommon.Get, "WrtcPeer")]
[OutputType(typeof(WrtcPeer))]
public sealed class GetWrtcPeerCommand : PSCmdlet
{
    /// <summary>Only peers with these ids (wildcards allowed).</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Id { get; set; }

    protected override void ProcessRecord()
    {
        var patterns = Id?.Select(i => new WildcardPattern(i, WildcardOptions.IgnoreCase)).ToArray();
        foreach (var peer in PeerRegistry.All)
        {
            if (patterns is null || patterns.Any(p => p.IsMatch(peer.Id))) WriteObject(peer);
        }
    }
}
