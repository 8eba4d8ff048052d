using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.Sdp;
using static WebRtcPS.Engine.Tests.Sdp.SdpSamples;

namespace WebRtcPS.Engine.Tests.Sdp;

public sealed class DataChannelSessionDescriptionTests
{
    [Fact]
    public void Aiortc_LegacyForm_WithCandidatesAndEndOfCandidates()
    {
        var d = DataChannelSessionDescription.Parse(AiortcOffer);

        Assert.Equal("DTLS/SCTP", d.Proto);
        Assert.True(d.IsLegacySctpFormat);
        Assert.Equal(5000, d.SctpPort);
        Assert.Equal(65535, d.SctpmapStreams);
        Assert.Equal(65536, d.MaxMessageSize);
        Assert.Equal("0", d.Mid);
        Assert.Equal(0, d.MediaIndex);
        Assert.Equal(60360, d.Port);
        Assert.Equal(("UQr5", "LFn7jg1DqFQL13FapopRBu"), (d.IceUsernameFragment, d.IcePassword));
        Assert.Empty(d.IceOptions);
        Assert.False(d.IceTrickle);
        Assert.Equal(SdpSetupRole.ActPass, d.Setup);
        Assert.Equal([RTCDtlsFingerprint.Parse("sha-256 59:43:9B:61:0E:BC:50:3C:8E:F6:F6:62:F7:72:C8:D8:78:BF:19:58:99:73:EB:D6:3A:B4:2B:D8:46:7F:9C:EC")], d.Fingerprints);
        Assert.Equal(2, d.Candidates.Count);
        Assert.Equal("fd00::2", d.Candidates[1].Address);
        Assert.True(d.EndOfCandidates);
        Assert.Equal(["0"], d.BundleMids);
        Assert.Equal(4004640969UL, d.SessionId);
    }

    [Fact]
    public void Pion_SessionLevelFingerprint_NoMaxMessageSize_DefaultsTo65536()
    {
        var d = DataChannelSessionDescription.Parse(PionOffer);

        Assert.Equal("UDP/DTLS/SCTP", d.Proto);
        Assert.False(d.IsLegacySctpFormat);
        Assert.Equal(65536, d.MaxMessageSize);
        Assert.Single(d.Fingerprints);
        Assert.Equal("sha-256", d.Fingerprints[0].Algorithm);
        Assert.Equal(4, d.Candidates.Count);
        Assert.Equal(2, d.Candidates[1].Component);
        Assert.True(d.EndOfCandidates);
        Assert.Equal(SdpSetupRole.Active, DataChannelSessionDescription.Parse(PionAnswer).Setup);
        Assert.Equal(1795652263UL, DataChannelSessionDescription.Parse(PionReoffer).SessionVersion);
    }

    [Fact]
    public void Chrome_MediaLevelIce_Trickle_MaxMessageSize()
    {
        var d = DataChannelSessionDescription.Parse(ChromeOffer);

        Assert.Equal(("7Ohh", "yJzBbZ8EOuKnrxd3ZLlXzvC4"), (d.IceUsernameFragment, d.IcePassword));
        Assert.True(d.IceTrickle);
        Assert.Equal(262144, d.MaxMessageSize);
        Assert.Equal(5000, d.SctpPort);
        Assert.Empty(d.Candidates);
        Assert.False(d.EndOfCandidates);
    }

    [Fact]
    public void Chrome_Candidates_KeepMdnsTcpAndExtensions()
    {
        var d = DataChannelSessionDescription.Parse(ChromeOfferWithCandidates);

        Assert.Equal(3, d.Candidates.Count);
        Assert.True(d.Candidates[0].IsMdns);
        Assert.Equal(RTCIceCandidateType.Srflx, d.Candidates[1].Type);
        Assert.Equal(RTCIceProtocol.Tcp, d.Candidates[2].Protocol);
        Assert.Equal(52734, d.Port);
    }

    [Fact]
    public void Chrome_AudioVideoData_FindsDataSectionByProto()
    {
        var d = DataChannelSessionDescription.Parse(ChromeAudioVideoDataOffer);

        Assert.Equal(2, d.MediaIndex);
        Assert.Equal("2", d.Mid);
        Assert.Equal(["0", "1", "2"], d.BundleMids);
    }

    [Fact]
    public void Firefox_SessionLevelIceOptionsAndFingerprint()
    {
        var d = DataChannelSessionDescription.Parse(FirefoxOffer);

        Assert.True(d.IceTrickle);
        Assert.Equal("4c1e4b1b", d.IceUsernameFragment);
        Assert.Single(d.Fingerprints);
        Assert.Equal(1073741823, d.MaxMessageSize);
    }

    [Fact]
    public void Firefox_Legacy_SctpmapWith256Streams()
    {
        var d = DataChannelSessionDescription.Parse(FirefoxLegacyOffer);

        Assert.True(d.IsLegacySctpFormat);
        Assert.Equal("sdparta_0", d.Mid);
        Assert.Equal(256, d.SctpmapStreams);
        Assert.Equal(["sdparta_0"], d.BundleMids);
    }

    [Fact]
    public void Firefox_SeveralFingerprintAlgorithms_UpperCaseTransport()
    {
        var d = DataChannelSessionDescription.Parse(FirefoxAnswerWithCandidates);

        Assert.Equal(["sha-256", "sha-1"], d.Fingerprints.Select(f => f.Algorithm));
        Assert.Equal(3, d.Candidates.Count);
        Assert.Equal(RTCIceCandidateType.Relay, d.Candidates[2].Type);
        Assert.True(d.EndOfCandidates);
        Assert.Equal(SdpSetupRole.Active, d.Setup);
    }

    [Fact]
    public void MediaLevelIceCredentials_WinOverSessionLevel()
    {
        var text = Crlf(PionOffer).Replace("t=0 0\r\n", "t=0 0\r\na=ice-ufrag:sessionufrag\r\na=ice-pwd:sessionpasswordsessionpassword\r\na=setup:passive\r\n", StringComparison.Ordinal);
        var d = DataChannelSessionDescription.Parse(text);
        Assert.Equal("ZZPkpOKbyRGwjReM", d.IceUsernameFragment);
        Assert.Equal(SdpSetupRole.ActPass, d.Setup);

        var sessionOnly = text.Replace("a=ice-ufrag:ZZPkpOKbyRGwjReM\r\n", "", StringComparison.Ordinal);
        Assert.Equal("sessionufrag", DataChannelSessionDescription.Parse(sessionOnly).IceUsernameFragment);
    }

    [Fact]
    public void TcpDtlsSctp_IsADataSection()
    {
        var text = Crlf(ChromeOffer).Replace("UDP/DTLS/SCTP", "TCP/DTLS/SCTP", StringComparison.Ordinal);
        Assert.Equal("TCP/DTLS/SCTP", DataChannelSessionDescription.Parse(text).Proto);
    }

    [Fact]
    public void MissingSctpPort_DefaultsTo5000()
    {
        var text = Crlf(ChromeOffer).Replace("a=sctp-port:5000\r\n", "", StringComparison.Ordinal);
        Assert.Equal(5000, DataChannelSessionDescription.Parse(text).SctpPort);
        var other = Crlf(ChromeOffer).Replace("a=sctp-port:5000", "a=sctp-port:5001", StringComparison.Ordinal);
        Assert.Equal(5001, DataChannelSessionDescription.Parse(other).SctpPort);
    }

    [Fact]
    public void RTCSessionDescription_WrapsTypeAndSdp()
    {
        var offer = new RTCSessionDescription(RTCSdpType.Offer, ChromeOffer);
        Assert.Equal("0", offer.ToDataChannelDescription().Mid);
        Assert.Equal("offer", offer.Type.ToWireName());
        Assert.True(RTCSdpTypeNames.TryParse("pranswer", out var type));
        Assert.Equal(RTCSdpType.Pranswer, type);
        Assert.False(RTCSdpTypeNames.TryParse("Offer", out _));
        Assert.Equal("", new RTCSessionDescription(RTCSdpType.Rollback, null).Sdp);
        Assert.Throws<ArgumentException>(() => new RTCSessionDescription(RTCSdpType.Answer, ""));
    }
}
