namespace WebRtcPS.Engine.W3C;

/// <summary>W3C RTCIceGatheringState.</summary>
public enum RTCIceGatheringState
{
    /// <summary>Gathering has not started.</summary>
    New,
    /// <summary>Candidates are being gathered.</summary>
    Gathering,
    /// <summary>Every candidate is gathered (end-of-candidates signalled).</summary>
    Complete,
}
