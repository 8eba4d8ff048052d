namespace WebRtcPS.Engine.Dtls;

/// <summary>ec_point_formats extension_data (RFC 8422 §5.1.2): ECPointFormat ec_point_format_list&lt;1..2^8-1&gt;,
/// one byte per format; 0 = uncompressed, the only one RFC 8422 leaves and the one that MUST be listed.</summary>
internal static class EcPointFormatsExtension
{
    public const byte Uncompressed = 0;

    public static byte[] Encode(ReadOnlySpan<byte> formats)
    {
        var data = new byte[1 + formats.Length];
        new HandshakeBodyWriter(data).WriteVector8(formats);
        return data;
    }

    public static TlsExtension ToExtension(ReadOnlySpan<byte> formats) => new(TlsExtensionType.EcPointFormats, Encode(formats));

    public static bool TryParse(ReadOnlySpan<byte> data, out byte[] formats)
    {
        formats = [];
        var reader = new HandshakeBodyReader(data);
        if (!reader.TryReadVector8(1, 0xFF, out var list) || !reader.IsEmpty) return false;
        formats = list.ToArray();
        return true;
    }
}
