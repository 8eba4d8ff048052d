namespace WebRtcPS.Engine.Dtls;

/// <summary>One hello extension as on the wire (RFC 5246 §7.4.1.4): its type and raw extension_data.
/// Unknown types are kept so that they can be ignored (or echoed in tests) without loss.</summary>
internal readonly record struct TlsExtension(ushort Type, byte[] Data);
