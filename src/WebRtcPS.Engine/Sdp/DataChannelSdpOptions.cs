using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.Ice;

namespace WebRtcPS.Engine.Sdp;

/// <summary>Our side's parameters for <see cref="DataChannelSdpBuilder"/>.</summary>
internal sealed class DataChannelSdpOptions
{
    /// <summary>Our ICE ufrag, 4-256 ice-chars (RFC 8839 §5.4).</summary>
    public required string IceUsernameFragment { get; init; }

    /// <summary>Our ICE password, 22-256 ice-chars (RFC 8839 §5.4).</summary>
    public required string IcePassword { get; init; }

    /// <summary>Our certificate's fingerprints (at least one; sha-256 is what every peer checks).</summary>
    public required IReadOnlyList<RTCDtlsFingerprint> Fingerprints { get; init; }

    /// <summary>Candidates gathered so far (written as a=candidate in the data section).</summary>
    public IReadOnlyList<RTCIceCandidate> Candidates { get; init; } = [];

    /// <summary>Gathering is complete: write a=end-of-candidates (RFC 8840 §8.2).</summary>
    public bool EndOfCandidates { get; init; }

    /// <summary>Advertise trickle ICE (a=ice-options:trickle, RFC 8840 §4.1.1).</summary>
    public bool IceTrickle { get; init; } = true;

    /// <summary>a=mid of the data section in our offers (answers reuse the offer's mid).</summary>
    public string Mid { get; init; } = "0";

    /// <summary>Our SCTP port (a=sctp-port); 5000 as every browser uses.</summary>
    public int SctpPort { get; init; } = SctpMediaSection.DefaultSctpPort;

    /// <summary>The largest message we accept (a=max-message-size, RFC 8841 §6); Chrome and pion advertise 262144.</summary>
    public long MaxMessageSize { get; init; } = 262144;

    /// <summary>UDP/DTLS/SCTP (default) or TCP/DTLS/SCTP for our offers.</summary>
    public string Proto { get; init; } = SctpMediaSection.UdpDtlsSctp;

    /// <summary>The streams count written in a legacy-form answer's a=sctpmap (aiortc writes 65535).</summary>
    public int LegacySctpmapStreams { get; init; } = 65535;

    /// <summary>Our DTLS role in answers to actpass offers: active (we send the ClientHello), as pion and Chrome do.</summary>
    public SdpSetupRole AnswerSetup { get; init; } = SdpSetupRole.Active;

    /// <summary>Write a=extmap-allow-mixed at session level (RFC 8285 §6), as Chrome and pion do; meaningless without RTP.</summary>
    public bool ExtmapAllowMixed { get; init; }

    /// <summary>Checks the values against the RFC limits; throws <see cref="ArgumentException"/> naming the property.</summary>
    public void Validate()
    {
        Check(SdpAttributeRules.CheckValue(new SdpAttribute("ice-ufrag", IceUsernameFragment)), nameof(IceUsernameFragment));
        Check(SdpAttributeRules.CheckValue(new SdpAttribute("ice-pwd", IcePassword)), nameof(IcePassword));
        Check(SdpAttributeRules.CheckValue(new SdpAttribute("mid", Mid)), nameof(Mid));
        if (Fingerprints is null || Fingerprints.Count == 0)
            throw new ArgumentException("At least one certificate fingerprint is required (RFC 8842 §5.1).", nameof(Fingerprints));
        if (SctpPort is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(SctpPort), SctpPort, "SCTP port must be 1-65535.");
        if (MaxMessageSize < 0) throw new ArgumentOutOfRangeException(nameof(MaxMessageSize), MaxMessageSize, "Must be 0 (no limit) or more.");
        if (Proto is not (SctpMediaSection.UdpDtlsSctp or SctpMediaSection.TcpDtlsSctp))
            throw new ArgumentException($"Proto must be {SctpMediaSection.UdpDtlsSctp} or {SctpMediaSection.TcpDtlsSctp}.", nameof(Proto));
        if (LegacySctpmapStreams is < 1 or > 65535)
            throw new ArgumentOutOfRangeException(nameof(LegacySctpmapStreams), LegacySctpmapStreams, "Must be 1-65535.");
        if (AnswerSetup is not (SdpSetupRole.Active or SdpSetupRole.Passive))
            throw new ArgumentException("An answer's setup role must be active or passive (RFC 8842 §5.3).", nameof(AnswerSetup));
    }

    private static void Check(string? problem, string property)
    {
        if (problem is not null) throw new ArgumentException(problem, property);
    }
}
