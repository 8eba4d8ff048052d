namespace WebRtcPS.Engine.Dtls;

/// <summary>supported_groups extension_data (RFC 8422 §5.1.1): NamedCurve named_curve_list&lt;2..2^16-1&gt;,
/// 2 bytes per group (secp256r1 = 23, secp384r1 = 24, x25519 = 29), in the client's preference order.</summary>
internal static class SupportedGroupsExtension
{
    public static byte[] Encode(ReadOnlySpan<ushort> groups)
    {
        var data = new byte[2 + 2 * groups.Length];
        new HandshakeBodyWriter(data).WriteUInt16List(groups);
        return data;
    }

    public static TlsExtension ToExtension(ReadOnlySpan<ushort> groups) => new(TlsExtensionType.SupportedGroups, Encode(groups));

    public static bool TryParse(ReadOnlySpan<byte> data, out ushort[] groups)
    {
        var reader = new HandshakeBodyReader(data);
        return reader.TryReadUInt16List(1, out groups) && reader.IsEmpty;
    }
}
