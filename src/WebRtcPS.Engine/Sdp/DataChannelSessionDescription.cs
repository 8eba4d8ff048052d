using System.Globalization;
using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.Ice;

namespace WebRtcPS.Engine.Sdp;

/// <summary>
/// What a WebRTC data-channel session needs from a description: the ICE credentials and candidates
/// (RFC 8839), the DTLS fingerprints and role (RFC 8842), and the SCTP port and message-size limit
/// (RFC 8841), read from the SCTP media section and, where RFC 8839/8122 allow, the session level
/// (a media-level value wins).
/// </summary>
internal sealed record DataChannelSessionDescription
{
    public ulong SessionId { get; init; }
    public ulong SessionVersion { get; init; }

    /// <summary>Index of the data section among the m= sections (the W3C sdpMLineIndex).</summary>
    public int MediaIndex { get; init; }

    /// <summary>a=mid of the data section (the W3C sdpMid), or null if the peer sent none.</summary>
    public string? Mid { get; init; }

    /// <summary>UDP/DTLS/SCTP, TCP/DTLS/SCTP or DTLS/SCTP.</summary>
    public required string Proto { get; init; }

    /// <summary>True for the sctpmap form (<c>DTLS/SCTP 5000</c> + <c>a=sctpmap</c>).</summary>
    public bool IsLegacySctpFormat { get; init; }

    /// <summary>The m= port; 0 means the data section was rejected.</summary>
    public int Port { get; init; }

    public bool IsRejected => Port == 0;

    public required string IceUsernameFragment { get; init; }
    public required string IcePassword { get; init; }

    /// <summary>a=ice-options tokens (RFC 8839 §5.6).</summary>
    public IReadOnlyList<string> IceOptions { get; init; } = [];

    /// <summary>The peer supports trickle ICE (RFC 8840 §4.1.1: ice-options:trickle).</summary>
    public bool IceTrickle => IceOptions.Contains("trickle");

    /// <summary>The peer is an ICE lite implementation (RFC 8839 §5.3).</summary>
    public bool IceLite { get; init; }

    /// <summary>Every a=fingerprint, in order; RFC 8122 §5 allows several algorithms.</summary>
    public required IReadOnlyList<RTCDtlsFingerprint> Fingerprints { get; init; }

    /// <summary>a=setup, or null when absent (RFC 4145 §4: then an offerer means actpass, an answerer active).</summary>
    public SdpSetupRole? Setup { get; init; }

    /// <summary>The SCTP port (a=sctp-port, or the sctpmap port in the legacy form; 5000 when absent).</summary>
    public int SctpPort { get; init; } = SctpMediaSection.DefaultSctpPort;

    /// <summary>a=max-message-size; 65536 when absent (RFC 8841 §6.1); 0 means no limit.</summary>
    public long MaxMessageSize { get; init; } = SctpMediaSection.DefaultMaxMessageSize;

    /// <summary>The streams count of a legacy a=sctpmap, if any.</summary>
    public int? SctpmapStreams { get; init; }

    /// <summary>Candidates of the data section, in order.</summary>
    public IReadOnlyList<RTCIceCandidate> Candidates { get; init; } = [];

    /// <summary>a=end-of-candidates (RFC 8840 §8.2) at session or data-section level.</summary>
    public bool EndOfCandidates { get; init; }

    /// <summary>The mids of a=group:BUNDLE (RFC 8843), or empty.</summary>
    public IReadOnlyList<string> BundleMids { get; init; } = [];

    /// <summary>Reads the data-channel parameters; throws <see cref="SdpParseException"/> naming the data section's m= line.</summary>
    public static DataChannelSessionDescription FromSdp(SdpSessionDescription sdp)
    {
        ArgumentNullException.ThrowIfNull(sdp);
        var index = SctpMediaSection.Find(sdp);
        if (index < 0)
            throw new SdpParseException(0, null,
                "no data-channel section: expected an m=application line with UDP/DTLS/SCTP, TCP/DTLS/SCTP or DTLS/SCTP (RFC 8841 §4).");
        var m = sdp.MediaDescriptions[index];
        SdpParseException Error(string reason) => new(m.LineNumber, "m=" + m.MediaLine, reason);

        // RFC 8839 §5.4 and RFC 8122 §5: media-level ICE credentials and fingerprints win over session-level ones.
        string? Value(string name) => m.GetAttributeValue(name) ?? sdp.GetAttributeValue(name);
        var rejected = m.IsRejected;
        var ufrag = Value("ice-ufrag");
        var pwd = Value("ice-pwd");
        if (!rejected && ufrag is null) throw Error("the data section has no a=ice-ufrag (session or media level).");
        if (!rejected && pwd is null) throw Error("the data section has no a=ice-pwd (session or media level).");

        var fingerprintValues = m.GetAttributeValues("fingerprint").ToList();
        if (fingerprintValues.Count == 0) fingerprintValues = sdp.GetAttributeValues("fingerprint").ToList();
        var fingerprints = new List<RTCDtlsFingerprint>();
        foreach (var value in fingerprintValues)
            fingerprints.Add(RTCDtlsFingerprint.TryParse(value, out var fp) ? fp : throw Error($"a=fingerprint:{value} is not a fingerprint."));
        if (!rejected && fingerprints.Count == 0) throw Error("the data section has no a=fingerprint (RFC 8842 §5.1 requires one).");

        var legacy = SctpMediaSection.IsLegacy(m);
        var sctpPort = SctpMediaSection.DefaultSctpPort;
        int? streams = null;
        if (legacy)
        {
            sctpPort = int.TryParse(m.Formats[0], NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p <= 65535
                ? p : throw Error($"the SCTP port '{m.Formats[0]}' in the m= line is not a port number.");
            var map = m.GetAttributeValues("sctpmap").Select(v => v.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .FirstOrDefault(f => f.Length >= 2 && f[0] == m.Formats[0]);
            if (map is { Length: 3 } && int.TryParse(map[2], NumberStyles.None, CultureInfo.InvariantCulture, out var n)) streams = n;
        }
        else if (m.GetAttributeValue("sctp-port") is { } portText)
        {
            sctpPort = int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p <= 65535
                ? p : throw Error($"a=sctp-port:{portText} is not a port number.");
        }

        var maxMessageSize = SctpMediaSection.DefaultMaxMessageSize;
        if (m.GetAttributeValue("max-message-size") is { } sizeText)
            maxMessageSize = long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out var size)
                ? size : throw Error($"a=max-message-size:{sizeText} is not a non-negative integer.");

        var candidates = new List<RTCIceCandidate>();
        foreach (var value in m.GetAttributeValues("candidate"))
            candidates.Add(RTCIceCandidate.TryParse(value, out var c, out var e) ? c : throw Error($"a=candidate:{value} does not parse: {e}"));

        var setupText = Value("setup");
        return new DataChannelSessionDescription
        {
            SessionId = sdp.Origin.SessionId,
            SessionVersion = sdp.Origin.SessionVersion,
            MediaIndex = index,
            Mid = m.Mid,
            Proto = m.Proto,
            IsLegacySctpFormat = legacy,
            Port = m.Port,
            IceUsernameFragment = ufrag ?? string.Empty,
            IcePassword = pwd ?? string.Empty,
            IceOptions = (Value("ice-options") ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries),
            IceLite = sdp.HasAttribute("ice-lite"),
            Fingerprints = fingerprints,
            Setup = setupText is null ? null : SdpSetupRoleNames.FromSdp(setupText) ?? throw Error($"a=setup:{setupText} is not a setup role."),
            SctpPort = sctpPort,
            MaxMessageSize = maxMessageSize,
            SctpmapStreams = streams,
            Candidates = candidates,
            EndOfCandidates = m.HasAttribute("end-of-candidates") || sdp.HasAttribute("end-of-candidates"),
            BundleMids = sdp.BundleMids,
        };
    }

    /// <summary>Parses SDP text and reads the data-channel parameters; throws <see cref="SdpParseException"/>.</summary>
    public static DataChannelSessionDescription Parse(string? sdpText) => FromSdp(SdpSessionDescription.Parse(sdpText));

    /// <summary>Like <see cref="Parse"/>, but returns the error instead of throwing.</summary>
    public static bool TryParse(string? sdpText,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DataChannelSessionDescription? description,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out SdpParseException? error)
    {
        try
        {
            description = Parse(sdpText);
            error = null;
            return true;
        }
        catch (SdpParseException ex)
        {
            description = null;
            error = ex;
            return false;
        }
    }
}
