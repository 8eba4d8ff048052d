using System.Diagnostics.CodeAnalysis;

namespace WebRtcPS.Engine.Dtls;

/// <summary>ServerKeyExchange body for ECDHE_ECDSA / ECDHE_RSA (RFC 8422 §5.4):</summary>
/// <remarks><code>
/// ServerECDHParams:  curve_type(1) = 3 named_curve | NamedCurve(2) | ECPoint point&lt;1..2^8-1&gt;
/// digitally-signed:  SignatureAndHashAlgorithm(2) | signature&lt;0..2^16-1&gt;   (RFC 5246 §4.7, §7.4.3)
/// </code>
/// The signature covers client_random | server_random | ServerECDHParams (<see cref="SignedParams"/>).
/// Only named curves are accepted: explicit curves are deprecated (RFC 8422 §5.4).</remarks>
internal sealed record ServerKeyExchangeMessage(ushort NamedGroup, byte[] PublicKey, ushort SignatureScheme, byte[] Signature)
{
    /// <summary>ECCurveType named_curve (RFC 8422 §5.4).</summary>
    public const byte NamedCurveType = 3;

    public int EncodedLength => 4 + PublicKey.Length + 2 + 2 + Signature.Length;

    /// <summary>The ServerECDHParams bytes, what the server signs after client_random | server_random.</summary>
    public static byte[] SignedParams(ushort namedGroup, ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.IsEmpty) throw new ArgumentException("An ECPoint is never empty (RFC 8422 §5.4).", nameof(publicKey));
        var data = new byte[4 + publicKey.Length];
        var writer = new HandshakeBodyWriter(data);
        writer.WriteUInt8(NamedCurveType);
        writer.WriteUInt16(namedGroup);
        writer.WriteVector8(publicKey);
        return data;
    }

    public static bool TryParse(ReadOnlySpan<byte> body, [NotNullWhen(true)] out ServerKeyExchangeMessage? message)
    {
        message = null;
        var reader = new HandshakeBodyReader(body);
        if (!reader.TryReadUInt8(out var curveType) || curveType != NamedCurveType
            || !reader.TryReadUInt16(out var group)
            || !reader.TryReadVector8(1, 0xFF, out var point)
            || !reader.TryReadUInt16(out var scheme)
            || !reader.TryReadVector16(0, 0xFFFF, out var signature)
            || !reader.IsEmpty)
            return false;
        message = new ServerKeyExchangeMessage(group, point.ToArray(), scheme, signature.ToArray());
        return true;
    }

    public int Write(Span<byte> destination)
    {
        var writer = new HandshakeBodyWriter(destination[..EncodedLength]);
        writer.WriteBytes(SignedParams(NamedGroup, PublicKey));
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
