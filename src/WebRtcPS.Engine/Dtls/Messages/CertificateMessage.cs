using System.Diagnostics.CodeAnalysis;

namespace WebRtcPS.Engine.Dtls;

/// <summary>Certificate body (RFC 5246 §7.4.2): ASN.1Cert certificate_list&lt;0..2^24-1&gt;, each
/// opaque ASN.1Cert&lt;1..2^24-1&gt; (DER), sender's own certificate first. An empty list is a client
/// with no certificate (§7.4.6); the DER itself is not looked into here.</summary>
internal sealed record CertificateMessage(IReadOnlyList<byte[]> Certificates)
{
    public int EncodedLength
    {
        get
        {
            int length = 3;
            foreach (var c in Certificates) length += 3 + c.Length;
            return length;
        }
    }

    public static bool TryParse(ReadOnlySpan<byte> body, [NotNullWhen(true)] out CertificateMessage? message)
    {
        message = null;
        var outer = new HandshakeBodyReader(body);
        if (!outer.TryReadVector24(0, 0xFFFFFF, out var list) || !outer.IsEmpty) return false;
        var reader = new HandshakeBodyReader(list);
        var certificates = new List<byte[]>();
        while (!reader.IsEmpty)
        {
            if (!reader.TryReadVector24(1, 0xFFFFFF, out var certificate)) return false;
            certificates.Add(certificate.ToArray());
        }
        message = new CertificateMessage(certificates);
        return true;
    }

    public int Write(Span<byte> destination)
    {
        var writer = new HandshakeBodyWriter(destination[..EncodedLength]);
        writer.WriteUInt24(EncodedLength - 3);
        foreach (var c in Certificates)
        {
            if (c.Length == 0) throw new InvalidOperationException("A certificate entry is never empty (RFC 5246 §7.4.2).");
            writer.WriteVector24(c);
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
