namespace WebRtcPS.Engine.Sctp;

/// <summary>A complete user message received on an association.</summary>
internal sealed record SctpMessage(ushort StreamId, uint Ppid, byte[] Data, bool Unordered);
