namespace WebRtcPS.Engine.Sdp;

/// <summary>
/// Recognises the SCTP-over-DTLS media section (RFC 8841 §4) in its two forms:
/// <list type="bullet">
/// <item>modern: <c>m=application 9 UDP/DTLS/SCTP webrtc-datachannel</c> (or TCP/DTLS/SCTP) with <c>a=sctp-port</c>;</item>
/// <item>legacy (draft-ietf-mmusic-sctp-sdp-05, still sent by aiortc and old Firefox):
/// <c>m=application 9 DTLS/SCTP 5000</c> with <c>a=sctpmap:5000 webrtc-datachannel 1024</c>.</item>
/// </list>
/// </summary>
internal static class SctpMediaSection
{
    public const string UdpDtlsSctp = "UDP/DTLS/SCTP";
    public const string TcpDtlsSctp = "TCP/DTLS/SCTP";
    public const string LegacyDtlsSctp = "DTLS/SCTP";
    public const string DataChannelFormat = "webrtc-datachannel";

    /// <summary>RFC 8841 §5.2: the SCTP port when a=sctp-port is absent.</summary>
    public const int DefaultSctpPort = 5000;

    /// <summary>RFC 8841 §6.1: the maximum message size to assume when a=max-message-size is absent.</summary>
    public const long DefaultMaxMessageSize = 65536;

    public static bool IsSctp(SdpMediaDescription m) =>
        m.Media == "application" && m.Proto is UdpDtlsSctp or TcpDtlsSctp or LegacyDtlsSctp;

    /// <summary>Legacy when the format is the SCTP port number rather than "webrtc-datachannel".</summary>
    public static bool IsLegacy(SdpMediaDescription m) =>
        m.Formats.Count > 0 && m.Formats[0] != DataChannelFormat && SdpSyntax.IsDigits(m.Formats[0]);

    /// <summary>Index of the section a data channel uses: the first accepted SCTP section, else the first SCTP one, else -1.</summary>
    public static int Find(SdpSessionDescription sdp)
    {
        var list = sdp.MediaDescriptions;
        var index = list.FindIndex(m => IsSctp(m) && !m.IsRejected);
        return index >= 0 ? index : list.FindIndex(IsSctp);
    }
}
