namespace WebRtcPS.Engine.Dtls;

/// <summary>use_srtp extension_data (RFC 5764 §4.1.1):</summary>
/// <remarks><code>
/// SRTPProtectionProfile SRTPProtectionProfiles&lt;2..2^16-1&gt; | opaque srtp_mki&lt;0..255&gt;
/// </code>
/// A client lists its profiles (0x0007 = SRTP_AEAD_AES_128_GCM, 0x0001 = SRTP_AES128_CM_HMAC_SHA1_80);
/// a server answers with exactly one (§4.1.1). WebRTC sends an empty MKI.</remarks>
internal static class UseSrtpExtension
{
    public static byte[] Encode(ReadOnlySpan<ushort> profiles, ReadOnlySpan<byte> mki)
    {
        var data = new byte[2 + 2 * profiles.Length + 1 + mki.Length];
        var writer = new HandshakeBodyWriter(data);
        writer.WriteUInt16List(profiles);
        writer.WriteVector8(mki);
        return data;
    }

    public static TlsExtension ToExtension(ReadOnlySpan<ushort> profiles, ReadOnlySpan<byte> mki) =>
        new(TlsExtensionType.UseSrtp, Encode(profiles, mki));

    public static bool TryParse(ReadOnlySpan<byte> data, out ushort[] profiles, out byte[] mki)
    {
        mki = [];
        var reader = new HandshakeBodyReader(data);
        if (!reader.TryReadUInt16List(1, out profiles) || !reader.TryReadVector8(0, 0xFF, out var m) || !reader.IsEmpty) return false;
        mki = m.ToArray();
        return true;
    }
}
