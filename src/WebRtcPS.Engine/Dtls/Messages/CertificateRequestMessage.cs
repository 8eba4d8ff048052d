using System.Diagnostics.CodeAnalysis;

namespace WebRtcPS.Engine.Dtls;

/// <summary>CertificateRequest body (RFC 5246 §7.4.4):</summary>
/// <remarks><code>
/// ClientCertificateType certificate_types&lt;1..2^8-1&gt;           (1 = rsa_sign, 64 = ecdsa_sign)
/// SignatureAndHashAlgorithm supported_signature_algorithms&lt;2..2^16-2&gt;
/// DistinguishedName certificate_authorities&lt;0..2^16-1&gt;, each opaque&lt;1..2^16-1&gt; (DER)
/// </code></remarks>
internal sealed record CertificateRequestMessage(byte[] CertificateTypes, ushort[] SignatureSchemes, IReadOnlyList<byte[]> Authorities)
{
    public int EncodedLength
    {
        get
        {
            int length = 1 + CertificateTypes.Length + 2 + 2 * SignatureSchemes.Length + 2;
            foreach (var a in Authorities) length += 2 + a.Length;
            return length;
        }
    }

    public static bool TryParse(ReadOnlySpan<byte> body, [NotNullWhen(true)] out CertificateRequestMessage? message)
    {
        message = null;
        var reader = new HandshakeBodyReader(body);
        if (!reader.TryReadVector8(1, 0xFF, out var types)
            || !reader.TryReadUInt16List(1, out var schemes)
            || !reader.TryReadVector16(0, 0xFFFF, out var authorityList)
            || !reader.IsEmpty)
            return false;
        var authorities = new List<byte[]>();
        var names = new HandshakeBodyReader(authorityList);
        while (!names.IsEmpty)
        {
            if (!names.TryReadVector16(1, 0xFFFF, out var name)) return false;
            authorities.Add(name.ToArray());
        }
        message = new CertificateRequestMessage(types.ToArray(), schemes, authorities);
        return true;
    }

    public int Write(Span<byte> destination)
    {
        if (CertificateTypes.Length == 0 || SignatureSchemes.Length == 0)
            throw new InvalidOperationException("A CertificateRequest needs a certificate type and a signature scheme.");
        int length = EncodedLength;
        var writer = new HandshakeBodyWriter(destination[..length]);
        writer.WriteVector8(CertificateTypes);
        writer.WriteUInt16List(SignatureSchemes);
        int authoritiesLength = length - writer.Position - 2;
        if (authoritiesLength > 0xFFFF) throw new InvalidOperationException("The certificate authorities do not fit a 2-byte length.");
        writer.WriteUInt16((ushort)authoritiesLength);
        foreach (var a in Authorities)
        {
            if (a.Length == 0) throw new InvalidOperationException("A DistinguishedName is never empty (RFC 5246 §7.4.4).");
            writer.WriteVector16(a);
        }
        return writer.Position;
    }

    public byte[] Encode()
    {
        var body = new byte[EncodedLength];
        Write(body);
        return body;
    }
}
