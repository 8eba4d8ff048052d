namespace WebRtcPS.Engine.Sctp;

/// <summary>One Gap Ack Block of a SACK (RFC 9260 §3.3.4): TSNs from Cumulative TSN Ack + Start
/// to Cumulative TSN Ack + End (inclusive) were received.</summary>
internal readonly record struct GapAckBlock(ushort Start, ushort End);
