namespace WebRtcPS.Commands.Peers;

public sealed partial class ConnectWrtcPeerCommand
{
    /// <summary>-Include: whether an event goes to the pipeline (every event when -Include is absent).</summary>
    private bool IsIncluded(object output) =>
        Include is null || output is not PeerEvent e || Include.Contains(e.EventType);
}
