namespace WebRtcPS.Engine.W3C;

/// <summary>W3C RTCIceTransportState.</summary>
public enum RTCIceTransportState
{
    /// <summary>Gathering or waiting for remote candidates; no check sent yet.</summary>
    New,
    /// <summary>Remote candidates known, checks in progress, no usable pair yet.</summary>
    Checking,
    /// <summary>A pair is selected; checks of others may go on, or more candidates may come.</summary>
    Connected,
    /// <summary>A pair is selected, checking is over and both sides gave end-of-candidates.</summary>
    Completed,
    /// <summary>Consent on the selected pair is stale (RFC 7675): may come back.</summary>
    Disconnected,
    /// <summary>Every pair failed after end-of-candidates, or consent expired. Needs an ICE restart.</summary>
    Failed,
    /// <summary>Closed by the application.</summary>
    Closed,
}
