namespace WebRtcPS.Engine.Dtls;

/// <summary>renegotiation_info extension_data (RFC 5746 §3.2): opaque renegotiated_connection&lt;0..255&gt;.
/// On the initial handshake (the only one WebRTC has) it is empty, so the data is the single byte 0.</summary>
internal static class RenegotiationInfoExtension
{
    /// <summary>The extension_data of an initial handshake: an empty renegotiated_connection.</summary>
    public static byte[] Initial => [0];

    public static byte[] Encode(ReadOnlySpan<byte> renegotiatedConnection)
    {
        var data = new byte[1 + renegotiatedConnection.Length];
        new HandshakeBodyWriter(data).WriteVector8(renegotiatedConnection);
        return data;
    }

    public static TlsExtension ToExtension(ReadOnlySpan<byte> renegotiatedConnection) =>
        new(TlsExtensionType.RenegotiationInfo, Encode(renegotiatedConnection));

    public static bool TryParse(ReadOnlySpan<byte> data, out byte[] renegotiatedConnection)
    {
        renegotiatedConnection = [];
        var reader = new HandshakeBodyReader(data);
        if (!reader.TryReadVector8(0, 0xFF, out var value) || !reader.IsEmpty) return false;
        renegotiatedConnection = value.ToArray();
        return true;
    }
}
