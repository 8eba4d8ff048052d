using System.Diagnostics.CodeAnalysis;

namespace WebRtcPS.Engine.Dtls;

/// <summary>CertificateVerify body (RFC 5246 §7.4.8): a digitally-signed struct (§4.7),
/// SignatureAndHashAlgorithm(2) | signature&lt;0..2^16-1&gt;, over the handshake messages so far.</summary>
internal sealed record CertificateVerifyMessage(ushort SignatureScheme, byte[] Signature)
{
    public int EncodedLength => 2 + 2 + Signature.Length;

    public static bool TryParse(ReadOnlySpan<byte> body, [NotNullWhen(true)] out CertificateVerifyMessage? message)
    {
        message = null;
        var reader = new HandshakeBodyReader(body);
        if (!reader.TryReadUInt16(out var scheme) || !reader.TryReadVector16(0, 0xFFFF, out var signature) || !reader.IsEmpty)
            return false;
        message = new CertificateVerifyMessage(scheme, signature.ToArray());
        return true;
    }

    public int Write(Span<byte> destination)
    {
        var writer = new HandshakeBodyWriter(destination[..EncodedLength]);
        writer.WriteUInt16(SignatureScheme);
        writer.WriteVector16(Signature);
        return writer.Position;
    }

    public byte[] Encode()
    {
        var body = new byte[EncodedLength];
        Write(body);
        return body;
    }
}
