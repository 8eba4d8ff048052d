namespace WebRtcPS.Engine.Dtls;

/// <summary>The ExtensionType values a WebRTC DTLS 1.2 handshake uses (IANA TLS ExtensionType registry).</summary>
internal static class TlsExtensionType
{
    /// <summary>supported_groups, formerly elliptic_curves (RFC 8422 §5.1.1).</summary>
    public const ushort SupportedGroups = 10;

    /// <summary>ec_point_formats (RFC 8422 §5.1.2).</summary>
    public const ushort EcPointFormats = 11;

    /// <summary>signature_algorithms (RFC 5246 §7.4.1.4.1).</summary>
    public const ushort SignatureAlgorithms = 13;

    /// <summary>use_srtp (RFC 5764 §4.1.1).</summary>
    public const ushort UseSrtp = 14;

    /// <summary>extended_master_secret, empty extension_data (RFC 7627 §5.1).</summary>
    public const ushort ExtendedMasterSecret = 23;

    /// <summary>renegotiation_info (RFC 5746 §3.2).</summary>
    public const ushort RenegotiationInfo = 0xff01;
}
