namespace WebRtcPS.Engine.Ice;

/// <summary>W3C RTCIceGatheringState.</summary>
public enum RTCIceGatheringState
{
    New,
    Gathering,
    Complete,
}
