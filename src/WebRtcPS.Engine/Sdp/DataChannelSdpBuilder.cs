using System.Globalization;

namespace WebRtcPS.Engine.Sdp;

/// <summary>
/// Builds the offers and answers of a data-channel-only session the way pion and Chrome write them
/// (JSEP, RFC 8829 §5.2 and §5.3): one <c>m=application 9 UDP/DTLS/SCTP webrtc-datachannel</c>
/// section, bundled, with the dummy port 9 and address 0.0.0.0 (real addresses travel as candidates).
/// </summary>
internal static class DataChannelSdpBuilder
{
    /// <summary>The session version of a first description (Chrome starts at 2; any value works).</summary>
    public const ulong InitialSessionVersion = 2;

    /// <summary>
    /// Creates an offer. Pass our previous local description to keep its session id and
    /// increment its version (RFC 8829 §5.2.2: a subsequent offer changes only what changed).
    /// </summary>
    public static SdpSessionDescription CreateOffer(DataChannelSdpOptions options, SdpSessionDescription? previousLocal = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var session = NewSession(options, previousLocal);
        session.Attributes.Add(new SdpAttribute("group", $"{SdpGroup.Bundle} {options.Mid}"));
        session.MediaDescriptions.Add(DataSection(options, options.Proto, legacy: false, options.Mid, SdpSetupRole.ActPass));
        return session;
    }

    /// <summary>
    /// Creates an answer to <paramref name="offer"/>: the first SCTP section is accepted with the
    /// offer's proto, form (modern or legacy sctpmap) and mid; every other section is rejected
    /// (port 0, same media and proto, first format, a=mid kept) in the offer's order, and BUNDLE
    /// lists only the accepted mid (RFC 8829 §5.3.1, RFC 8843 §7.3).
    /// </summary>
    /// <exception cref="SdpParseException">The offer has no data-channel section.</exception>
    public static SdpSessionDescription CreateAnswer(SdpSessionDescription offer, DataChannelSdpOptions options, SdpSessionDescription? previousLocal = null)
    {
        ArgumentNullException.ThrowIfNull(offer);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var remote = DataChannelSessionDescription.FromSdp(offer);
        if (remote.IsRejected)
            throw new SdpParseException(offer.MediaDescriptions[remote.MediaIndex].LineNumber, null,
                "the offer's data-channel section has port 0 (it is disabled), so there is nothing to accept.");

        // RFC 8842 §5.3: answer the opposite of a non-actpass offer, else our preference.
        var setup = remote.Setup switch
        {
            SdpSetupRole.Active => SdpSetupRole.Passive,
            SdpSetupRole.Passive => SdpSetupRole.Active,
            _ => options.AnswerSetup,
        };

        var session = NewSession(options, previousLocal);
        var offeredBundle = offer.BundleMids;
        if (remote.Mid is not null && offeredBundle.Contains(remote.Mid))
            session.Attributes.Add(new SdpAttribute("group", $"{SdpGroup.Bundle} {remote.Mid}"));

        for (var i = 0; i < offer.MediaDescriptions.Count; i++)
        {
            var offered = offer.MediaDescriptions[i];
            session.MediaDescriptions.Add(i == remote.MediaIndex
                ? DataSection(options, offered.Proto, remote.IsLegacySctpFormat, remote.Mid, setup)
                : Rejected(offered));
        }
        return session;
    }

    private static SdpSessionDescription NewSession(DataChannelSdpOptions options, SdpSessionDescription? previousLocal)
    {
        var origin = previousLocal is null
            ? SdpOrigin.CreateJsep(InitialSessionVersion)
            : previousLocal.Origin with { SessionVersion = previousLocal.Origin.SessionVersion + 1 };
        var session = new SdpSessionDescription { Origin = origin, SessionName = "-", Timings = [SdpTiming.Unbounded] };
        if (options.ExtmapAllowMixed) session.Attributes.Add(new SdpAttribute("extmap-allow-mixed"));
        return session;
    }

    private static SdpMediaDescription DataSection(DataChannelSdpOptions o, string proto, bool legacy, string? mid, SdpSetupRole setup)
    {
        var port = o.SctpPort.ToString(CultureInfo.InvariantCulture);
        var m = new SdpMediaDescription
        {
            Media = "application",
            Port = 9, // RFC 8829 §5.2.1: the dummy "discard" port; candidates carry the real ones
            Proto = proto,
            Formats = [legacy ? port : SctpMediaSection.DataChannelFormat],
            Connection = SdpConnection.Dummy,
        };
        var a = m.Attributes;
        a.Add(new SdpAttribute("ice-ufrag", o.IceUsernameFragment));
        a.Add(new SdpAttribute("ice-pwd", o.IcePassword));
        if (o.IceTrickle) a.Add(new SdpAttribute("ice-options", "trickle"));
        foreach (var fp in o.Fingerprints) a.Add(new SdpAttribute("fingerprint", fp.ToString()));
        a.Add(new SdpAttribute("setup", setup.ToSdp()));
        if (mid is not null) a.Add(new SdpAttribute("mid", mid));
        a.Add(legacy
            ? new SdpAttribute("sctpmap", string.Create(CultureInfo.InvariantCulture, $"{port} {SctpMediaSection.DataChannelFormat} {o.LegacySctpmapStreams}"))
            : new SdpAttribute("sctp-port", port));
        a.Add(new SdpAttribute("max-message-size", o.MaxMessageSize.ToString(CultureInfo.InvariantCulture)));
        foreach (var c in o.Candidates) a.Add(SdpAttribute.FromLineValue(c.ToSdpString()));
        if (o.EndOfCandidates) a.Add(new SdpAttribute("end-of-candidates"));
        return m;
    }

    /// <summary>RFC 8829 §5.3.1: a rejected section keeps media and proto, has port 0, one offered format and the mid.</summary>
    private static SdpMediaDescription Rejected(SdpMediaDescription offered)
    {
        if (offered.Formats.Count == 0)
            throw new SdpParseException(offered.LineNumber, "m=" + offered.MediaLine, "the m= line has no media format (RFC 8866 §5.14 requires one).");
        var m = new SdpMediaDescription
        {
            Media = offered.Media,
            Port = 0,
            Proto = offered.Proto,
            Formats = [offered.Formats[0]],
            Connection = SdpConnection.Dummy,
        };
        if (offered.Mid is { } mid) m.Attributes.Add(new SdpAttribute("mid", mid));
        return m;
    }
}
