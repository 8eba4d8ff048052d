using System.Diagnostics.CodeAnalysis;

namespace WebRtcPS.Engine.Dtls;

/// <summary>HelloVerifyRequest body (RFC 6347 §4.2.1): server_version(2) | cookie&lt;0..2^8-1&gt;.
/// The server_version is not negotiated here; RFC 6347 lets it be 1.0 (0xFEFF) even for 1.2.</summary>
internal sealed record HelloVerifyRequestMessage(ushort Version, byte[] Cookie)
{
    public int EncodedLength => 2 + 1 + Cookie.Length;

    public static bool TryParse(ReadOnlySpan<byte> body, [NotNullWhen(true)] out HelloVerifyRequestMessage? message)
    {
        message = null;
        var reader = new HandshakeBodyReader(body);
        if (!reader.TryReadUInt16(out var version) || !reader.TryReadVector8(0, 0xFF, out var cookie) || !reader.IsEmpty)
            return false;
        message = new HelloVerifyRequestMessage(version, cookie.ToArray());
        return true;
    }

    public int Write(Span<byte> destination)
    {
        var writer = new HandshakeBodyWriter(destination[..EncodedLength]);
        writer.WriteUInt16(Version);
        writer.WriteVector8(Cookie);
        return writer.Position;
    }

    public byte[] Encode()
    {
        var body = new byte[EncodedLength];
        Write(body);
        return body;
    }
}
