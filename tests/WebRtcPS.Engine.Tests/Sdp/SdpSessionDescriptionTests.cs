using WebRtcPS.Engine.Sdp;
using static WebRtcPS.Engine.Tests.Sdp.SdpSamples;

namespace WebRtcPS.Engine.Tests.Sdp;

public sealed class SdpSessionDescriptionTests
{
    public static TheoryData<int> SampleIndexes()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < All.Length; i++) data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(SampleIndexes))]
    public void RealSdp_RoundTripsByteForByte(int index)
    {
        var crlf = Crlf(All[index]);
        Assert.Equal(crlf, SdpSessionDescription.Parse(crlf).ToString());
    }

    [Theory]
    [MemberData(nameof(SampleIndexes))]
    public void LfInput_IsAccepted_AndWrittenWithCrlf(int index)
    {
        var lf = All[index].ReplaceLineEndings("\n");
        Assert.Equal(Crlf(All[index]), SdpSessionDescription.Parse(lf).ToString());
    }

    [Fact]
    public void Parse_ReadsSessionAndMediaFields()
    {
        var sdp = SdpSessionDescription.Parse(ChromeAudioVideoDataOffer);

        Assert.Equal(0, sdp.Version);
        Assert.Equal(new SdpOrigin("-", 8403615332048243445, 2, "IN", "IP4", "127.0.0.1"), sdp.Origin);
        Assert.Equal("-", sdp.SessionName);
        Assert.Equal([SdpTiming.Unbounded], sdp.Timings);
        Assert.Equal(["0", "1", "2"], sdp.BundleMids);
        Assert.Equal(" WMS 5yN3bLtmvhQ1d4Ui", sdp.MsidSemantic);
        Assert.Equal(["group", "extmap-allow-mixed", "msid-semantic"], sdp.Attributes.Select(a => a.Name));
        Assert.Null(sdp.Attributes[1].Value);

        Assert.Equal(3, sdp.MediaDescriptions.Count);
        var audio = sdp.MediaDescriptions[0];
        Assert.Equal(("audio", 9, "UDP/TLS/RTP/SAVPF"), (audio.Media, audio.Port, audio.Proto));
        Assert.Equal(["111", "63", "9", "0", "8", "13", "110", "126"], audio.Formats);
        Assert.Equal(SdpConnection.Dummy, audio.Connection);
        Assert.Equal("0", audio.Mid);
        Assert.Equal(8, audio.LineNumber);
        var data = sdp.MediaDescriptions[2];
        Assert.Equal("application 9 UDP/DTLS/SCTP webrtc-datachannel", data.MediaLine);
        Assert.Equal("5000", data.GetAttributeValue("sctp-port"));
    }

    [Fact]
    public void SessionIceOptions_AreRead()
    {
        var sdp = SdpSessionDescription.Parse(FirefoxOffer);
        Assert.Equal(["trickle"], sdp.IceOptions);
    }

    [Fact]
    public void UnknownLinesAndAttributes_ArePreservedInOrder()
    {
        // RFC 8866 optional fields (i, u, e, p, b, r, z, k) and attributes we do not interpret.
        var text = Crlf("""
            v=0
            o=jdoe 3724394400 3724394405 IN IP4 198.51.100.1
            s=Call to John Smith
            i=SDP Offer #1
            u=http://www.jdoe.example.com/home.html
            e=Jane Doe <jane@jdoe.example.com>
            p=+1 617 555-6011
            c=IN IP4 198.51.100.1
            b=AS:128
            t=0 0
            r=604800 3600 0 90000
            z=2882844526 -1h 2898848070 0
            k=prompt
            a=x-custom-flag
            a=recvonly
            a=x-custom:with:colons and spaces
            m=application 9 UDP/DTLS/SCTP webrtc-datachannel
            i=data
            c=IN IP4 0.0.0.0
            b=AS:30
            k=prompt
            a=x-unknown
            a=mid:data
            a=x-vendor:1 2 3
            m=audio 49170/2 RTP/AVP 0
            a=rtpmap:0 PCMU/8000

            """);
        var sdp = SdpSessionDescription.Parse(text);
        Assert.Equal(text, sdp.ToString());
        Assert.Equal("with:colons and spaces", sdp.GetAttributeValue("x-custom"));
        Assert.Equal(["604800 3600 0 90000"], sdp.Timings[0].Repeats);
        Assert.Equal(2, sdp.MediaDescriptions[1].NumberOfPorts);
        Assert.Equal(["x-unknown", "mid", "x-vendor"], sdp.MediaDescriptions[0].Attributes.Select(a => a.Name));
    }

    [Fact]
    public void EmptyAttributeValue_IsKeptDistinctFromFlag()
    {
        var text = Crlf("""
            v=0
            o=- 1 1 IN IP4 0.0.0.0
            s=-
            t=0 0
            a=x-empty:
            a=x-flag

            """);
        var sdp = SdpSessionDescription.Parse(text);
        Assert.Equal("", sdp.Attributes[0].Value);
        Assert.Null(sdp.Attributes[1].Value);
        Assert.Equal(text, sdp.ToString());
    }

    [Fact]
    public void TrailingBlankLines_AndMissingFinalNewline_AreAccepted()
    {
        var expected = Crlf(PionOffer);
        Assert.Equal(expected, SdpSessionDescription.Parse(PionOffer.TrimEnd()).ToString());
        Assert.Equal(expected, SdpSessionDescription.Parse(expected + "\r\n\r\n").ToString());
    }

    [Fact]
    public void TryParse_ReturnsDescription()
    {
        Assert.True(SdpSessionDescription.TryParse(AiortcOffer, out var sdp, out var error));
        Assert.Null(error);
        Assert.Single(sdp.MediaDescriptions);
    }
}
