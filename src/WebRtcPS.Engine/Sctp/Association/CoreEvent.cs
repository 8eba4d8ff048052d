namespace WebRtcPS.Engine.Sctp;

/// <summary>Something the association core reports upward; the driver turns these into user
/// events, delivered off the loop.</summary>
internal abstract record CoreEvent;

internal sealed record StateChangedEvent(AssociationState State, string? Reason) : CoreEvent;

internal sealed record StreamResetEvent(StreamResetEventArgs Args) : CoreEvent;
