using WebRtcPS.Engine.Sdp;
using static WebRtcPS.Engine.Tests.Sdp.SdpSamples;

namespace WebRtcPS.Engine.Tests.Sdp;

/// <summary>Malformed SDP gives an <see cref="SdpParseException"/> naming the line number, its text and the fault.</summary>
public sealed class SdpParseErrorTests
{
    private static SdpParseException Fails(string text)
    {
        var ex = Assert.Throws<SdpParseException>(() => SdpSessionDescription.Parse(text));
        Assert.False(SdpSessionDescription.TryParse(text, out _, out var error));
        Assert.Equal(ex.Message, error.Message);
        return ex;
    }

    private static void AssertLine(SdpParseException ex, int line, string text, string reasonPart)
    {
        Assert.Equal(line, ex.LineNumber);
        Assert.Equal(text, ex.LineText);
        Assert.Contains(reasonPart, ex.Reason);
        Assert.Contains($"line {line} \"{text}\"", ex.Message);
    }

    /// <summary>The sample with line <paramref name="lineNumber"/> (1-based) replaced.</summary>
    private static string Replace(string sample, int lineNumber, string newLine)
    {
        var lines = sample.ReplaceLineEndings("\n").TrimEnd().Split('\n');
        lines[lineNumber - 1] = newLine;
        return string.Join("\r\n", lines) + "\r\n";
    }

    private static string Insert(string sample, int beforeLine, string newLine)
    {
        var lines = sample.ReplaceLineEndings("\n").TrimEnd().Split('\n').ToList();
        lines.Insert(beforeLine - 1, newLine);
        return string.Join("\r\n", lines) + "\r\n";
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\r\n\r\n")]
    [InlineData(null)]
    public void Empty_IsReportedAtLine1(string? text)
    {
        var ex = Assert.Throws<SdpParseException>(() => SdpSessionDescription.Parse(text));
        Assert.Equal(1, ex.LineNumber);
        Assert.Contains("empty", ex.Reason);
    }

    [Fact]
    public void MissingV_NamesLine1()
    {
        var text = string.Join("\r\n", Crlf(PionOffer).Split("\r\n").Skip(1));
        AssertLine(Fails(text), 1, "o=- 6883784138275460286 1795652262 IN IP4 0.0.0.0", "must start with \"v=0\"");
    }

    [Fact]
    public void WrongVersion_IsRejected() =>
        AssertLine(Fails(Replace(PionOffer, 1, "v=1")), 1, "v=1", "version");

    [Theory]
    [InlineData("m=application 9 UDP/DTLS/SCTP", "<media> <port> <proto> <fmt>")]
    [InlineData("m=application", "<media> <port> <proto> <fmt>")]
    [InlineData("m=application  9 UDP/DTLS/SCTP webrtc-datachannel", "single spaces")]
    [InlineData("m=application 9 UDP//SCTP webrtc-datachannel", "transport protocol")]
    [InlineData("m=appli:cation 9 UDP/DTLS/SCTP webrtc-datachannel", "media type")]
    public void BadMediaLine_NamesIt(string line, string reason) =>
        AssertLine(Fails(Replace(PionOffer, 8, line)), 8, line, reason);

    [Theory]
    [InlineData("m=application 65536 UDP/DTLS/SCTP webrtc-datachannel")]
    [InlineData("m=application -1 UDP/DTLS/SCTP webrtc-datachannel")]
    [InlineData("m=application nine UDP/DTLS/SCTP webrtc-datachannel")]
    [InlineData("m=application 99999999999999999999 UDP/DTLS/SCTP webrtc-datachannel")]
    [InlineData("m=application 9/0 UDP/DTLS/SCTP webrtc-datachannel")]
    public void BadPort_NamesIt(string line)
    {
        var ex = Fails(Replace(PionOffer, 8, line));
        AssertLine(ex, 8, line, "must be a number");
    }

    [Theory]
    [InlineData("a=mid:0")]
    [InlineData("a=sctp-port:5000")]
    [InlineData("a=candidate:1 1 udp 2130706431 192.0.2.2 33134 typ host")]
    [InlineData("a=max-message-size:262144")]
    public void MediaAttributeBeforeFirstM_NamesIt(string line) =>
        AssertLine(Fails(Insert(PionOffer, 8, line)), 8, line, "media-level attribute and must come after an m= line");

    [Theory]
    [InlineData("a=group:BUNDLE 0")]
    [InlineData("a=msid-semantic:WMS *")]
    [InlineData("a=ice-lite")]
    public void SessionAttributeInMediaSection_NamesIt(string line) =>
        AssertLine(Fails(Insert(PionOffer, 10, line)), 10, line, "session-level attribute");

    [Theory]
    [InlineData("v=0", "not allowed in a media section")]
    [InlineData("t=0 0", "not allowed in a media section")]
    [InlineData("x=unknown", "not allowed in a media section")]
    public void SessionFieldInMediaSection_NamesIt(string line, string reason) =>
        AssertLine(Fails(Insert(PionOffer, 10, line)), 10, line, reason);

    [Fact]
    public void UnknownTypeLetter_AtSessionLevel_IsRejected() =>
        AssertLine(Fails(Insert(PionOffer, 5, "x=1")), 5, "x=1", "not an SDP session-level field");

    [Fact]
    public void GarbageBytes_AreNamedWithEscapes()
    {
        var line = "a=ice-ufrag:ab\0\u0001\uFFFDcd";
        var ex = Fails(Replace(PionOffer, 12, line));
        Assert.Equal(12, ex.LineNumber);
        Assert.Contains("control or undecodable character U+0000 at column 15", ex.Reason);
        Assert.Contains("\\x00\\x01\\xFFFD", ex.Message);
        Assert.DoesNotContain('\0', ex.Message);
    }

    [Fact]
    public void BinaryGarbage_IsRejected()
    {
        var random = new Random(7);
        var bytes = new byte[200];
        random.NextBytes(bytes);
        var ex = Fails(System.Text.Encoding.UTF8.GetString(bytes));
        Assert.True(ex.LineNumber >= 1);
    }

    [Theory]
    [InlineData("a=candidate:garbage", "a=candidate does not parse")]
    [InlineData("a=candidate:1 1 udp 2130706431 192.0.2.2 33134 typ hots", "a=candidate does not parse")]
    [InlineData("a=candidate:1 1 sctp 2130706431 192.0.2.2 33134 typ host", "transport 'sctp'")]
    public void BadCandidate_NamesItsLine(string line, string reason) =>
        AssertLine(Fails(Replace(PionOffer, 15, line)), 15, line, reason);

    [Theory]
    [InlineData(9, "a=setup:client", "a=setup must be")]
    [InlineData(5, "a=fingerprint:sha-256 XY:ZZ", "a=fingerprint must be")]
    [InlineData(5, "a=fingerprint:sha-256", "a=fingerprint must be")]
    [InlineData(10, "a=mid", "a=mid needs a token")]
    [InlineData(12, "a=sctp-port:70000", "a=sctp-port must be a port")]
    [InlineData(12, "a=max-message-size:-1", "a=max-message-size must be")]
    [InlineData(13, "a=ice-ufrag:ab", "a=ice-ufrag must be 4 to 256")]
    [InlineData(14, "a=ice-pwd:short", "a=ice-pwd must be 22 to 256")]
    [InlineData(19, "a=end-of-candidates:yes", "flag")]
    [InlineData(12, "a=", "no attribute name")]
    [InlineData(12, "a=:value", "attribute name '' is not a token")]
    [InlineData(9, "c=IN IP4", "3 fields")]
    [InlineData(4, "t=0", "t= must be")]
    [InlineData(2, "o=- 1 1 IN IP4", "6 fields")]
    [InlineData(2, "o=- x 1 IN IP4 0.0.0.0", "session id 'x'")]
    [InlineData(2, "o=- 1 18446744073709551616 IN IP4 0.0.0.0", "session version")]
    [InlineData(3, "t=0 0", "session name")]
    [InlineData(7, "b=AS", "b= must be")]
    [InlineData(7, "BUNDLE 0", "<type>=<value>")]
    [InlineData(7, "A=group:BUNDLE 0", "<type>=<value>")]
    public void BadField_NamesItsLine(int lineNumber, string line, string reason) =>
        AssertLine(Fails(Replace(PionOffer, lineNumber, line)), lineNumber, line, reason);

    [Fact]
    public void EmptyLineInside_IsRejected()
    {
        var ex = Fails(Replace(PionOffer, 6, ""));
        Assert.Equal(6, ex.LineNumber);
        Assert.Contains("empty line", ex.Reason);
    }

    [Fact]
    public void DuplicateSessionConnection_IsRejected() =>
        AssertLine(Fails(Insert(Insert(PionOffer, 4, "c=IN IP4 0.0.0.0"), 4, "c=IN IP4 0.0.0.0")), 5, "c=IN IP4 0.0.0.0", "only once");

    [Fact]
    public void MissingTiming_IsReportedAtTheFirstMLine() =>
        AssertLine(Fails(Replace(PionOffer, 4, "a=x-no-timing")), 8, "m=application 9 UDP/DTLS/SCTP webrtc-datachannel", "no t= line");

    [Fact]
    public void SessionOnly_WithoutTiming_IsReportedAtTheLastLine()
    {
        var ex = Fails("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\n");
        Assert.Equal(3, ex.LineNumber);
        Assert.Contains("no t= line", ex.Reason);
        Assert.Contains("ends before", Fails("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n").Reason);
    }

    [Fact]
    public void DataChannelView_MissingIceCredentials_NamesTheDataSection()
    {
        var text = Crlf(PionOffer).Replace("a=ice-ufrag:ZZPkpOKbyRGwjReM\r\n", "", StringComparison.Ordinal);
        var ex = Assert.Throws<SdpParseException>(() => DataChannelSessionDescription.Parse(text));
        Assert.Equal(8, ex.LineNumber);
        Assert.Contains("no a=ice-ufrag", ex.Reason);
        Assert.False(DataChannelSessionDescription.TryParse(text, out _, out var error));
        Assert.Equal(ex.Message, error.Message);
    }

    [Fact]
    public void DataChannelView_MissingFingerprint_NamesTheDataSection()
    {
        var text = Crlf(PionOffer).Replace("a=fingerprint:sha-256 D0:24:26:3B:69:3F:F6:35:C7:9E:0C:DC:0F:8D:E1:9D:ED:A6:68:E8:93:6C:58:59:A7:DD:9A:0B:0F:A5:A9:6A\r\n", "", StringComparison.Ordinal);
        var ex = Assert.Throws<SdpParseException>(() => DataChannelSessionDescription.Parse(text));
        Assert.Equal(7, ex.LineNumber);
        Assert.Contains("no a=fingerprint", ex.Reason);
    }

    [Fact]
    public void DataChannelView_NoDataSection_SaysSo()
    {
        var text = Crlf(PionOffer).Replace("m=application 9 UDP/DTLS/SCTP webrtc-datachannel", "m=audio 9 UDP/TLS/RTP/SAVPF 111", StringComparison.Ordinal);
        var ex = Assert.Throws<SdpParseException>(() => DataChannelSessionDescription.Parse(text));
        Assert.Equal(0, ex.LineNumber);
        Assert.StartsWith("Invalid SDP: no data-channel section", ex.Message);
    }
}
