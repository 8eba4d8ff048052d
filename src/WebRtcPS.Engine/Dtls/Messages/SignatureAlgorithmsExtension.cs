namespace WebRtcPS.Engine.Dtls;

/// <summary>signature_algorithms extension_data (RFC 5246 §7.4.1.4.1):
/// SignatureAndHashAlgorithm supported_signature_algorithms&lt;2..2^16-2&gt;, each scheme as
/// hash &lt;&lt; 8 | signature (0x0403 = ecdsa_secp256r1_sha256, 0x0401 = rsa_pkcs1_sha256).</summary>
internal static class SignatureAlgorithmsExtension
{
    public static byte[] Encode(ReadOnlySpan<ushort> schemes)
    {
        var data = new byte[2 + 2 * schemes.Length];
        new HandshakeBodyWriter(data).WriteUInt16List(schemes);
        return data;
    }

    public static TlsExtension ToExtension(ReadOnlySpan<ushort> schemes) => new(TlsExtensionType.SignatureAlgorithms, Encode(schemes));

    public static bool TryParse(ReadOnlySpan<byte> data, out ushort[] schemes)
    {
        var reader = new HandshakeBodyReader(data);
        return reader.TryReadUInt16List(1, out schemes) && reader.IsEmpty;
    }
}
