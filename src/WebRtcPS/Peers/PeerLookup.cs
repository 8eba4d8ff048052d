using System.Management.Automation;

namespace WebRtcPS.Commands.Peers;

/// <summary>-Id of the peer cmdlets: a peer of this session by its exact id.</summary>
internal static class PeerLookup
{
    /// <summary>The peer with <paramref name="id"/>, or null after a PeerNotFound error naming it.</summary>
    public static WrtcPeer? Find(PSCmdlet cmdlet, string id)
    {
        var peer = PeerRegistry.All.FirstOrDefault(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase));
        if (peer is null) cmdlet.WriteError(NotFound(id));
        return peer;
    }

    public static ErrorRecord NotFound(string id) =>
        new(new ItemNotFoundException($"No peer of this session has the id '{id}'."), "PeerNotFound", ErrorCategory.ObjectNotFound, id)
        {
            ErrorDetails = new ErrorDetails($"No peer of this session has the id '{id}'.")
            {
                RecommendedAction = "Get-WrtcPeer lists this session's peers; New-WrtcPeer or Connect-WrtcPeer -PassThru creates one.",
            },
        };
}
