using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.Sdp;
using static WebRtcPS.Engine.Tests.Sdp.SdpSamples;

namespace WebRtcPS.Engine.Tests.Sdp;

public sealed class DataChannelSdpBuilderTests
{
    private static readonly RTCDtlsFingerprint Fingerprint =
        RTCDtlsFingerprint.Parse("sha-256 36:63:7F:C9:C8:A4:8F:D6:D1:5E:70:02:4C:6E:40:27:7B:87:21:66:4D:B0:9E:E6:21:1D:35:42:E4:CA:BF:19");

    private static DataChannelSdpOptions Options(bool endOfCandidates = false, IReadOnlyList<RTCIceCandidate>? candidates = null) => new()
    {
        IceUsernameFragment = "wPsU",
        IcePassword = "V2ZmYxM0aGpR9wX4kLqN1c3s",
        Fingerprints = [Fingerprint],
        Candidates = candidates ?? [],
        EndOfCandidates = endOfCandidates,
    };

    /// <summary>Everything after the o= line, which carries a random session id.</summary>
    private static string AfterOrigin(SdpSessionDescription sdp) => sdp.ToString()[sdp.ToString().IndexOf("\r\ns=", StringComparison.Ordinal)..];

    [Fact]
    public void CreateOffer_WritesTheChromePionShape()
    {
        var offer = DataChannelSdpBuilder.CreateOffer(Options());

        Assert.Equal("-", offer.Origin.Username);
        Assert.InRange(offer.Origin.SessionId, 1UL, (ulong)long.MaxValue);
        Assert.Equal(DataChannelSdpBuilder.InitialSessionVersion, offer.Origin.SessionVersion);
        Assert.StartsWith($"v=0\r\no=- {offer.Origin.SessionId} 2 IN IP4 0.0.0.0\r\n", offer.ToString());
        Assert.Equal(Crlf("""

            s=-
            t=0 0
            a=group:BUNDLE 0
            m=application 9 UDP/DTLS/SCTP webrtc-datachannel
            c=IN IP4 0.0.0.0
            a=ice-ufrag:wPsU
            a=ice-pwd:V2ZmYxM0aGpR9wX4kLqN1c3s
            a=ice-options:trickle
            a=fingerprint:sha-256 36:63:7F:C9:C8:A4:8F:D6:D1:5E:70:02:4C:6E:40:27:7B:87:21:66:4D:B0:9E:E6:21:1D:35:42:E4:CA:BF:19
            a=setup:actpass
            a=mid:0
            a=sctp-port:5000
            a=max-message-size:262144

            """), AfterOrigin(offer));
    }

    [Fact]
    public void CreateOffer_RandomSessionIds_Differ()
    {
        var a = DataChannelSdpBuilder.CreateOffer(Options());
        var b = DataChannelSdpBuilder.CreateOffer(Options());
        Assert.NotEqual(a.Origin.SessionId, b.Origin.SessionId);
    }

    [Fact]
    public void CreateOffer_Again_KeepsSessionIdAndIncrementsVersion()
    {
        var first = DataChannelSdpBuilder.CreateOffer(Options());
        var second = DataChannelSdpBuilder.CreateOffer(Options(), previousLocal: first);
        var third = DataChannelSdpBuilder.CreateOffer(Options(), previousLocal: second);

        Assert.Equal(first.Origin.SessionId, third.Origin.SessionId);
        Assert.Equal(first.Origin.SessionVersion + 2, third.Origin.SessionVersion);
    }

    [Fact]
    public void CreateOffer_WithCandidatesAndEndOfCandidates_RoundTrips()
    {
        var candidate = RTCIceCandidate.Parse("candidate:1 1 udp 2130706431 198.18.0.1 50000 typ host generation 0");
        var relay = RTCIceCandidate.Parse("candidate:2 1 udp 16777215 198.18.0.9 3478 typ relay raddr 198.18.0.1 rport 50000");
        var offer = DataChannelSdpBuilder.CreateOffer(Options(endOfCandidates: true, candidates: [candidate, relay]));

        var text = offer.ToString();
        Assert.EndsWith(Crlf("""
            a=max-message-size:262144
            a=candidate:1 1 udp 2130706431 198.18.0.1 50000 typ host generation 0
            a=candidate:2 1 udp 16777215 198.18.0.9 3478 typ relay raddr 198.18.0.1 rport 50000
            a=end-of-candidates

            """), text);
        var d = DataChannelSessionDescription.Parse(text);
        Assert.Equal([candidate, relay], d.Candidates);
        Assert.True(d.EndOfCandidates);
        Assert.Equal(text, SdpSessionDescription.Parse(text).ToString());
    }

    [Fact]
    public void CreateOffer_OptionalExtmapAllowMixed_AndTcpProto()
    {
        var options = new DataChannelSdpOptions
        {
            IceUsernameFragment = "wPsU", IcePassword = "V2ZmYxM0aGpR9wX4kLqN1c3s", Fingerprints = [Fingerprint],
            ExtmapAllowMixed = true, Proto = "TCP/DTLS/SCTP", IceTrickle = false, MaxMessageSize = 65536,
        };
        var text = DataChannelSdpBuilder.CreateOffer(options).ToString();
        Assert.Contains("t=0 0\r\na=extmap-allow-mixed\r\na=group:BUNDLE 0\r\nm=application 9 TCP/DTLS/SCTP webrtc-datachannel\r\n", text);
        Assert.DoesNotContain("ice-options", text);
        Assert.Contains("a=max-message-size:65536\r\n", text);
    }

    [Fact]
    public void CreateAnswer_ToPion_IsActive_ModernForm_SameMid()
    {
        var answer = DataChannelSdpBuilder.CreateAnswer(SdpSessionDescription.Parse(PionOffer), Options());

        Assert.Equal(Crlf("""

            s=-
            t=0 0
            a=group:BUNDLE 0
            m=application 9 UDP/DTLS/SCTP webrtc-datachannel
            c=IN IP4 0.0.0.0
            a=ice-ufrag:wPsU
            a=ice-pwd:V2ZmYxM0aGpR9wX4kLqN1c3s
            a=ice-options:trickle
            a=fingerprint:sha-256 36:63:7F:C9:C8:A4:8F:D6:D1:5E:70:02:4C:6E:40:27:7B:87:21:66:4D:B0:9E:E6:21:1D:35:42:E4:CA:BF:19
            a=setup:active
            a=mid:0
            a=sctp-port:5000
            a=max-message-size:262144

            """), AfterOrigin(answer));
    }

    [Fact]
    public void CreateAnswer_ToLegacyOffer_UsesTheLegacyForm()
    {
        var answer = DataChannelSdpBuilder.CreateAnswer(SdpSessionDescription.Parse(AiortcOffer), Options());
        var text = answer.ToString();

        Assert.Contains("m=application 9 DTLS/SCTP 5000\r\n", text);
        Assert.Contains("a=sctpmap:5000 webrtc-datachannel 65535\r\n", text);
        Assert.DoesNotContain("sctp-port", text);
        var d = DataChannelSessionDescription.Parse(text);
        Assert.True(d.IsLegacySctpFormat);
        Assert.Equal(SdpSetupRole.Active, d.Setup);

        var firefox = DataChannelSdpBuilder.CreateAnswer(SdpSessionDescription.Parse(FirefoxLegacyOffer), Options()).ToString();
        Assert.Contains("a=group:BUNDLE sdparta_0\r\n", firefox);
        Assert.Contains("a=mid:sdparta_0\r\n", firefox);
    }

    [Fact]
    public void CreateAnswer_ToChromeAudioVideoData_RejectsMediaInOfferOrder()
    {
        var offer = SdpSessionDescription.Parse(ChromeAudioVideoDataOffer);
        var answer = DataChannelSdpBuilder.CreateAnswer(offer, Options());

        Assert.Equal(Crlf("""

            s=-
            t=0 0
            a=group:BUNDLE 2
            m=audio 0 UDP/TLS/RTP/SAVPF 111
            c=IN IP4 0.0.0.0
            a=mid:0
            m=video 0 UDP/TLS/RTP/SAVPF 96
            c=IN IP4 0.0.0.0
            a=mid:1
            m=application 9 UDP/DTLS/SCTP webrtc-datachannel
            c=IN IP4 0.0.0.0
            a=ice-ufrag:wPsU
            a=ice-pwd:V2ZmYxM0aGpR9wX4kLqN1c3s
            a=ice-options:trickle
            a=fingerprint:sha-256 36:63:7F:C9:C8:A4:8F:D6:D1:5E:70:02:4C:6E:40:27:7B:87:21:66:4D:B0:9E:E6:21:1D:35:42:E4:CA:BF:19
            a=setup:active
            a=mid:2
            a=sctp-port:5000
            a=max-message-size:262144

            """), AfterOrigin(answer));
        var d = DataChannelSessionDescription.FromSdp(answer);
        Assert.Equal((2, "2"), (d.MediaIndex, d.Mid));
    }

    [Fact]
    public void CreateAnswer_AcceptsOnlyTheFirstUsableDataSection()
    {
        // A disabled data section (port 0) first, then a usable one, then a second SCTP section.
        var offer = SdpSessionDescription.Parse(Crlf("""
            v=0
            o=- 1 1 IN IP4 0.0.0.0
            s=-
            t=0 0
            a=group:BUNDLE b c
            a=ice-ufrag:sess
            a=ice-pwd:sessionpasswordsessionpw
            a=fingerprint:sha-256 36:63:7F:C9:C8:A4:8F:D6:D1:5E:70:02:4C:6E:40:27:7B:87:21:66:4D:B0:9E:E6:21:1D:35:42:E4:CA:BF:19
            a=setup:actpass
            m=application 0 UDP/DTLS/SCTP webrtc-datachannel
            a=mid:a
            m=application 9 UDP/DTLS/SCTP webrtc-datachannel
            c=IN IP4 0.0.0.0
            a=mid:b
            a=sctp-port:5000
            m=application 9 TCP/DTLS/SCTP webrtc-datachannel
            c=IN IP4 0.0.0.0
            a=mid:c
            a=sctp-port:5000

            """));
        var answer = DataChannelSdpBuilder.CreateAnswer(offer, Options());

        Assert.Equal(["b"], answer.BundleMids);
        Assert.Equal([0, 9, 0], answer.MediaDescriptions.Select(m => m.Port));
        Assert.Equal(["a", "b", "c"], answer.MediaDescriptions.Select(m => m.Mid));
        Assert.Equal("TCP/DTLS/SCTP", answer.MediaDescriptions[2].Proto);
        Assert.Equal((1, "b"), (DataChannelSessionDescription.FromSdp(answer).MediaIndex, DataChannelSessionDescription.FromSdp(answer).Mid));
    }

    [Theory]
    [InlineData("active", SdpSetupRole.Passive)]
    [InlineData("passive", SdpSetupRole.Active)]
    [InlineData("actpass", SdpSetupRole.Active)]
    public void CreateAnswer_SetupRole_FollowsRfc8842(string offered, object expectedRole)
    {
        var expected = (SdpSetupRole)expectedRole; // (an internal enum cannot be a public theory's parameter type)
        var offer = SdpSessionDescription.Parse(Crlf(ChromeOffer).Replace("a=setup:actpass", "a=setup:" + offered, StringComparison.Ordinal));
        Assert.Equal(expected, DataChannelSessionDescription.FromSdp(DataChannelSdpBuilder.CreateAnswer(offer, Options())).Setup);
    }

    [Fact]
    public void CreateAnswer_PassivePreference_IsHonouredForActpass()
    {
        var options = new DataChannelSdpOptions
        {
            IceUsernameFragment = "wPsU", IcePassword = "V2ZmYxM0aGpR9wX4kLqN1c3s", Fingerprints = [Fingerprint],
            AnswerSetup = SdpSetupRole.Passive,
        };
        var answer = DataChannelSdpBuilder.CreateAnswer(SdpSessionDescription.Parse(ChromeOffer), options);
        Assert.Equal(SdpSetupRole.Passive, DataChannelSessionDescription.FromSdp(answer).Setup);
    }

    [Fact]
    public void CreateAnswer_WithoutOfferedBundle_WritesNoGroup()
    {
        var offer = SdpSessionDescription.Parse(Crlf(ChromeOffer).Replace("a=group:BUNDLE 0\r\n", "", StringComparison.Ordinal));
        Assert.DoesNotContain("a=group", DataChannelSdpBuilder.CreateAnswer(offer, Options()).ToString());
    }

    [Fact]
    public void CreateAnswer_ToOfferWithoutDataSection_Throws()
    {
        var offer = SdpSessionDescription.Parse(Crlf(ChromeOffer).Replace("m=application 9 UDP/DTLS/SCTP webrtc-datachannel", "m=audio 9 UDP/TLS/RTP/SAVPF 111", StringComparison.Ordinal));
        Assert.Throws<SdpParseException>(() => DataChannelSdpBuilder.CreateAnswer(offer, Options()));
    }

    [Fact]
    public void CreateAnswer_ToRejectedDataSection_Throws()
    {
        var offer = SdpSessionDescription.Parse(Crlf(ChromeOffer).Replace("m=application 9 ", "m=application 0 ", StringComparison.Ordinal));
        var ex = Assert.Throws<SdpParseException>(() => DataChannelSdpBuilder.CreateAnswer(offer, Options()));
        Assert.Equal(8, ex.LineNumber);
    }

    [Fact]
    public void CreateAnswer_AgainstPrevious_IncrementsVersion()
    {
        var offer = SdpSessionDescription.Parse(ChromeOffer);
        var first = DataChannelSdpBuilder.CreateAnswer(offer, Options());
        var second = DataChannelSdpBuilder.CreateAnswer(offer, Options(), first);
        Assert.Equal((first.Origin.SessionId, first.Origin.SessionVersion + 1), (second.Origin.SessionId, second.Origin.SessionVersion));
    }

    [Theory]
    [InlineData("ab", "V2ZmYxM0aGpR9wX4kLqN1c3s", nameof(DataChannelSdpOptions.IceUsernameFragment))]
    [InlineData("wPsU", "short", nameof(DataChannelSdpOptions.IcePassword))]
    public void Options_Validate_NamesTheProperty(string ufrag, string pwd, string property)
    {
        var options = new DataChannelSdpOptions { IceUsernameFragment = ufrag, IcePassword = pwd, Fingerprints = [Fingerprint] };
        Assert.Equal(property, Assert.Throws<ArgumentException>(() => DataChannelSdpBuilder.CreateOffer(options)).ParamName);
    }

    [Fact]
    public void Options_Validate_RequiresAFingerprint()
    {
        var options = new DataChannelSdpOptions { IceUsernameFragment = "wPsU", IcePassword = "V2ZmYxM0aGpR9wX4kLqN1c3s", Fingerprints = [] };
        Assert.Equal(nameof(DataChannelSdpOptions.Fingerprints), Assert.Throws<ArgumentException>(() => options.Validate()).ParamName);
    }

    [Fact]
    public void BuiltOfferAndAnswer_WrapInRTCSessionDescription()
    {
        var offer = RTCSessionDescription.From(RTCSdpType.Offer, DataChannelSdpBuilder.CreateOffer(Options()));
        var answer = RTCSessionDescription.From(RTCSdpType.Answer, DataChannelSdpBuilder.CreateAnswer(offer.Parse(), Options()));
        Assert.Equal(SdpSetupRole.Active, answer.ToDataChannelDescription().Setup);
        Assert.Equal(SdpSetupRole.ActPass, offer.ToDataChannelDescription().Setup);
    }
}
