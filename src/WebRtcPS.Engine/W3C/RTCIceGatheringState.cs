namespace WebRtcPS.Engine.W3C;

/// <summary>W3C RTCIceGatheringState.</summary>
public enum RTCIceGatheringState
{
    New,
    Gathering,
    Complete,
}
