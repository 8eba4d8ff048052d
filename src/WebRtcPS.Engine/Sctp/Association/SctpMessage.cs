namespace WebRtcPS.Engine.Sctp;

/// <summary>A complete user message received on an association.</summary>
public sealed record SctpMessage(ushort StreamId, uint Ppid, byte[] Data, bool Unordered);
