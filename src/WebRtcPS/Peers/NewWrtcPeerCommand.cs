using System.Management.Automation;

namespace WebRtcPS.Commands.Peers;

/// <summary>Creates a peer (configuration only, not connected) for Connect-WrtcPeer.</summary>
[Cmdlet(VerbsCommon.New, "WrtcPeer", DefaultParameterSetName = NewPeerSet)]
[OutputType(typeof(WrtcPeer))]
public sealed partial class NewWrtcPeerCommand : PeerConfigurationCmdlet
{
    protected override void ProcessRecord()
    {
        var peer = new WrtcPeer(BuildOptions());
        PeerRegistry.Add(peer);
        WriteObject(peer);
    }
}
