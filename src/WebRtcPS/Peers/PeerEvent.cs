using System.Globalization;

namespace WebRtcPS;

/// <summary>What a <see cref="PeerEvent"/> reports: Connect-WrtcPeer -Include takes these names.</summary>
public enum PeerEventType
{
    /// <summary>An ICE candidate gathered (Local) or received from the peer (Remote): IceCandidateEvent.</summary>
    Candidate,

    /// <summary>A state machine changed state: StateChange.</summary>
    State,

    /// <summary>ICE selected a candidate pair: SelectedCandidatePair.</summary>
    Pair,

    /// <summary>A data-channel message sent or received: WrtcMessage.</summary>
    Message,
}

/// <summary>
/// The base of everything a peer reports as it connects: one family, so
/// <c>Connect-WrtcPeer | Where-Object EventType -eq Candidate</c> reads naturally and every event
/// has the same leading columns (Timestamp, ElapsedMs, PeerId, EventType).
/// </summary>
public abstract class PeerEvent
{
    private protected PeerEvent(string? peerId, DateTimeOffset timestamp, TimeSpan elapsed)
    {
        PeerId = peerId;
        Timestamp = timestamp.ToLocalTime();
        ElapsedMs = Math.Round(elapsed.TotalMilliseconds, 1);
    }

    /// <summary>When it happened, local time with its offset, to the millisecond and beyond.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>
    /// <see cref="Timestamp"/> as ISO 8601 text with milliseconds (round-trip form): Export-Csv writes a
    /// DateTimeOffset in the culture's short form without them; <c>[DateTimeOffset]$row.TimestampIso</c>
    /// reads this column back exactly.
    /// </summary>
    public string TimestampIso => Timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);

    /// <summary>Milliseconds since the command (or connection attempt) began.</summary>
    public double ElapsedMs { get; }

    /// <summary>The peer that reported it (null for Get-WrtcIceCandidate).</summary>
    public string? PeerId { get; }

    /// <summary>Candidate, State, Pair or Message.</summary>
    public abstract PeerEventType EventType { get; }
}
