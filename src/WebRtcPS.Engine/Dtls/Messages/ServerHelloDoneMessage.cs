namespace WebRtcPS.Engine.Dtls;

/// <summary>ServerHelloDone (RFC 5246 §7.4.5): an empty body; anything in it is malformed.</summary>
internal static class ServerHelloDoneMessage
{
    public const int EncodedLength = 0;

    public static bool TryParse(ReadOnlySpan<byte> body) => body.IsEmpty;

    public static byte[] Encode() => [];
}
