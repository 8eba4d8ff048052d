using System.Diagnostics.CodeAnalysis;

namespace WebRtcPS.Engine.Dtls;

/// <summary>ClientKeyExchange body for ECDHE (RFC 8422 §5.7): ClientECDiffieHellmanPublic,
/// ECPoint ecdh_Yc&lt;1..2^8-1&gt; (uncompressed: 0x04 | X | Y). Nothing may follow it.</summary>
internal sealed record ClientKeyExchangeMessage(byte[] PublicKey)
{
    public int EncodedLength => 1 + PublicKey.Length;

    public static bool TryParse(ReadOnlySpan<byte> body, [NotNullWhen(true)] out ClientKeyExchangeMessage? message)
    {
        message = null;
        var reader = new HandshakeBodyReader(body);
        if (!reader.TryReadVector8(1, 0xFF, out var point) || !reader.IsEmpty) return false;
        message = new ClientKeyExchangeMessage(point.ToArray());
        return true;
    }

    public int Write(Span<byte> destination)
    {
        if (PublicKey.Length == 0) throw new InvalidOperationException("An ECPoint is never empty (RFC 8422 §5.7).");
        var writer = new HandshakeBodyWriter(destination[..EncodedLength]);
        writer.WriteVector8(PublicKey);
        return writer.Position;
    }

    public byte[] Encode()
    {
        var body = new byte[EncodedLength];
        Write(body);
        return body;
    }
}
