using System.Management.Automation;

namespace WebRtcPS.Commands.Peers;

/// <summary>Lists the peers of this session with their states and selected pair.</summary>
[Cmdlet(VerbsCommon.Get, "WrtcPeer")]
[OutputType(typeof(WrtcPeer))]
public sealed class GetWrtcPeerCommand : PSCmdlet
{
    /// <summary>Only peers with these ids (wildcards allowed).</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.PeerIdCompleter))]
    public string[]? Id { get; set; }

    protected override void ProcessRecord()
    {
        var patterns = Id?.Select(i => new WildcardPattern(i, WildcardOptions.IgnoreCase)).ToArray();
        // Matched before writing: a Close-WrtcPeer downstream removes peers as they arrive.
        var peers = PeerRegistry.All.Where(peer => patterns is null || patterns.Any(p => p.IsMatch(peer.Id))).ToArray();
        // An exact id that matches nothing is an error (as Get-Process -Name does); a wildcard is a filter.
        var missing = (Id ?? []).Where(id => !WildcardPattern.ContainsWildcardCharacters(id)
            && !peers.Any(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase))).ToArray();
        foreach (var peer in peers) WriteObject(peer);
        foreach (var id in missing) WriteError(PeerLookup.NotFound(id));
    }
}
