namespace WebRtcPS.Engine.Sctp;

/// <summary>A variable-length parameter (RFC 9260 §3.2.1): 16-bit type, 16-bit length, value,
/// padded to 4 bytes. <see cref="EncodedLength"/> excludes the padding; <see cref="Write"/>
/// writes exactly that many bytes.</summary>
internal interface ISctpParameter
{
    ushort Type { get; }
    int EncodedLength { get; }
    int Write(Span<byte> destination);
}

/// <summary>Parameter type codes used by this engine (RFC 9260 §3.3.2/§3.3.3, RFC 5061, RFC 3758, RFC 6525).</summary>
internal static class ParameterType
{
    public const ushort HeartbeatInfo = 1;
    public const ushort StateCookie = 7;
    public const ushort UnrecognizedParameter = 8;
    public const ushort OutgoingSsnResetRequest = 13;
    public const ushort IncomingSsnResetRequest = 14;
    public const ushort ReconfigurationResponse = 16;
    public const ushort SupportedExtensions = 0x8008;
    public const ushort ForwardTsnSupported = 0xC000;
}
