using System.Globalization;
using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.Ice;

namespace WebRtcPS.Engine.Sdp;

/// <summary>
/// Where the attributes WebRTC relies on may appear, and what their values must look like, so a
/// bad value is reported at its line while parsing instead of failing later without a location.
/// Attributes not listed here are accepted anywhere with any value (RFC 8866 §5.13: unknown
/// attributes are ignored, and we keep them).
/// </summary>
internal static class SdpAttributeRules
{
    // Only meaningful for the session as a whole (group: RFC 5888 §5; ice-lite: RFC 8839 §5.3;
    // msid-semantic: draft-ietf-mmusic-msid, still written by browsers and aiortc).
    private static readonly HashSet<string> SessionOnly = ["group", "msid-semantic", "ice-lite"];

    // Describe one media section (RFC 5888 §4 mid, RFC 8841 §5/§6, RFC 8839 §5.1, RFC 8866 §6.6 rtpmap…).
    private static readonly HashSet<string> MediaOnly =
    [
        "mid", "sctp-port", "sctpmap", "max-message-size", "candidate", "remote-candidates",
        "rtpmap", "fmtp", "rtcp", "rtcp-mux", "rtcp-rsize", "rtcp-fb", "ssrc", "ssrc-group", "msid",
        "rid", "simulcast",
    ];

    /// <summary>Null when the attribute may appear at this level, else why not.</summary>
    public static string? CheckScope(SdpAttribute attribute, bool mediaLevel)
    {
        if (!mediaLevel && MediaOnly.Contains(attribute.Name))
            return $"a={attribute.Name} is a media-level attribute and must come after an m= line.";
        if (mediaLevel && SessionOnly.Contains(attribute.Name))
            return $"a={attribute.Name} is a session-level attribute and must come before the first m= line.";
        return null;
    }

    /// <summary>Null when the value is well formed (or the attribute is not one we check), else the problem.</summary>
    public static string? CheckValue(SdpAttribute a)
    {
        if (!SdpSyntax.IsToken(a.Name))
            return $"attribute name '{a.Name}' is not a token (letters, digits and -.!%*_+`'~ only).";
        var v = a.Value;
        switch (a.Name)
        {
            case "end-of-candidates" or "ice-lite" or "rtcp-mux":
                return v is null ? null : $"a={a.Name} is a flag and takes no value.";
            case "mid":
                // identification-tag = token (RFC 5888 §4); RFC 8843 §9.1 caps it at 16 characters but
                // some peers exceed that, so only the token rule is enforced.
                return v is not null && SdpSyntax.IsToken(v) ? null : "a=mid needs a token value (e.g. a=mid:0).";
            case "ice-ufrag":
                // RFC 8839 §5.4: ice-ufrag 4-256 ice-chars, ice-pwd 22-256 ice-chars.
                return IsIceChars(v, 4) ? null : "a=ice-ufrag must be 4 to 256 characters from A-Z a-z 0-9 + /.";
            case "ice-pwd":
                return IsIceChars(v, 22) ? null : "a=ice-pwd must be 22 to 256 characters from A-Z a-z 0-9 + /.";
            case "ice-options":
                return v is not null && v.Split(' ', StringSplitOptions.RemoveEmptyEntries) is { Length: > 0 } t && t.All(SdpSyntax.IsToken)
                    ? null : "a=ice-options needs one or more option tags (e.g. a=ice-options:trickle).";
            case "setup":
                // RFC 4145 §4 / RFC 8842 §5.1.
                return v is "actpass" or "active" or "passive" or "holdconn"
                    ? null : $"a=setup must be actpass, active, passive or holdconn, not '{v}'.";
            case "fingerprint":
                return RTCDtlsFingerprint.TryParse(v, out _)
                    ? null : "a=fingerprint must be \"<hash-func> <HEX:HEX:…>\" (RFC 8122 §5), e.g. sha-256 AB:CD:….";
            case "candidate":
                return RTCIceCandidate.TryParse(v, out _, out var candidateError) ? null : $"a=candidate does not parse: {candidateError}";
            case "sctp-port":
                // RFC 8841 §5.2: sctp-port = port number.
                return IsPort(v) ? null : $"a=sctp-port must be a port number 0-65535, not '{v}'.";
            case "max-message-size":
                // RFC 8841 §6.1: a non-negative integer; 0 means no limit beyond the available memory.
                return v is not null && SdpSyntax.IsDigits(v) && long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out _)
                    ? null : $"a=max-message-size must be a non-negative integer, not '{v}'.";
            case "sctpmap":
                // draft-ietf-mmusic-sctp-sdp-05 §5.2: a=sctpmap:<port> <app> [<max-streams>].
                if (v is null) return "a=sctpmap needs \"<port> <protocol> [<streams>]\".";
                var f = v.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return f.Length is 2 or 3 && IsPort(f[0]) && (f.Length == 2 || SdpSyntax.IsDigits(f[2]) && f[2].Length <= 9)
                    ? null : $"a=sctpmap must be \"<port> <protocol> [<streams>]\", not '{v}'.";
            case "group" or "msid-semantic":
                return string.IsNullOrWhiteSpace(v) ? $"a={a.Name} needs a value (e.g. a=group:BUNDLE 0)." : null;
            default:
                return null;
        }
    }

    private static bool IsPort(string? v) =>
        v is not null && SdpSyntax.IsDigits(v) && v.Length <= 5 && int.Parse(v, CultureInfo.InvariantCulture) <= 65535;

    private static bool IsIceChars(string? v, int min) =>
        v is not null && v.Length >= min && v.Length <= 256 && v.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/');
}
