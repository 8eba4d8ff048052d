using System.Text;
using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.Sdp;
using static WebRtcPS.Engine.Tests.Sdp.SdpSamples;

namespace WebRtcPS.Engine.Tests.Sdp;

/// <summary>
/// Property test: random mutations of valid SDP never make the parser (or the data-channel view,
/// or the answer builder) throw anything but <see cref="SdpParseException"/>; whatever parses is
/// written back in a form that parses to the same text (parse(write(x)) == write(x)). Seeded, so a
/// failure reproduces; the failing seed and input are in the assertion message.
/// </summary>
public sealed class SdpMutationTests
{
    private const int MutationsPerSample = 1500;

    private static readonly string[] Fragments =
    [
        "\r\n", "\n", "\r", "\0", " ", "  ", ":", "=", "/", "a=", "m=", "v=0", "t=0 0", "c=IN IP4", "9", "0", "-1",
        "99999999999999999999999", "\uFFFD", "\u00e9", "\U0001F600", "\t", "a=candidate:", "a=mid:", "a=group:BUNDLE",
        "a=sctp-port:", "DTLS/SCTP", "UDP/DTLS/SCTP", "webrtc-datachannel", "a=setup:", "a=fingerprint:sha-256 ",
        "a=ice-ufrag:", "a=end-of-candidates", "a=sctpmap:5000 webrtc-datachannel 99999999999", "m=application 0 DTLS/SCTP 99999",
        "m=application 9 DTLS/SCTP 70000",
    ];

    private static readonly DataChannelSdpOptions Options = new()
    {
        IceUsernameFragment = "wPsU",
        IcePassword = "V2ZmYxM0aGpR9wX4kLqN1c3s",
        Fingerprints = [RTCDtlsFingerprint.Parse("sha-256 36:63:7F:C9:C8:A4:8F:D6:D1:5E:70:02:4C:6E:40:27:7B:87:21:66:4D:B0:9E:E6:21:1D:35:42:E4:CA:BF:19")],
    };

    [Fact]
    public void RandomMutations_OnlyEverGiveSdpParseException()
    {
        var parsed = 0;
        for (var s = 0; s < All.Length; s++)
        {
            var original = Crlf(All[s]);
            for (var i = 0; i < MutationsPerSample; i++)
            {
                var seed = s * 100_000 + i;
                var input = Mutate(original, new Random(seed));
                try
                {
                    if (Check(input)) parsed++;
                }
                catch (Exception ex)
                {
                    Assert.Fail($"seed {seed}: {ex.GetType().Name}: {ex.Message}\ninput: {SdpParseException.Escape(input)}");
                }
            }
        }
        // The mutations must not all be fatal, or the property says nothing about the serializer.
        Assert.InRange(parsed, All.Length * MutationsPerSample / 20, All.Length * MutationsPerSample);
    }

    private static bool Check(string input)
    {
        if (!SdpSessionDescription.TryParse(input, out var sdp, out var error))
        {
            Assert.NotNull(error);
            return false;
        }
        var written = sdp.ToString();
        Assert.Equal(written, SdpSessionDescription.Parse(written).ToString());
        if (DataChannelSessionDescription.TryParse(input, out _, out _))
        {
            try
            {
                var answer = DataChannelSdpBuilder.CreateAnswer(sdp, Options).ToString();
                Assert.True(DataChannelSessionDescription.TryParse(answer, out _, out var answerError), answerError?.Message);
            }
            catch (SdpParseException)
            {
                // e.g. the data section is disabled (port 0): a diagnosis, not a crash.
            }
        }
        return true;
    }

    private static string Mutate(string text, Random random)
    {
        var count = random.Next(1, 4);
        for (var n = 0; n < count; n++)
        {
            var lines = text.Split("\r\n").ToList();
            switch (random.Next(9))
            {
                case 0 when text.Length > 0: // delete a character
                    text = text.Remove(random.Next(text.Length), 1);
                    break;
                case 1: // insert a fragment
                    text = text.Insert(random.Next(text.Length + 1), Fragments[random.Next(Fragments.Length)]);
                    break;
                case 2 when lines.Count > 1: // delete a line
                    lines.RemoveAt(random.Next(lines.Count));
                    text = string.Join("\r\n", lines);
                    break;
                case 3 when lines.Count > 1: // duplicate a line elsewhere
                    lines.Insert(random.Next(lines.Count), lines[random.Next(lines.Count)]);
                    text = string.Join("\r\n", lines);
                    break;
                case 4 when lines.Count > 1: // swap two lines
                    int a = random.Next(lines.Count), b = random.Next(lines.Count);
                    (lines[a], lines[b]) = (lines[b], lines[a]);
                    text = string.Join("\r\n", lines);
                    break;
                case 5 when text.Length > 0: // truncate
                    text = text[..random.Next(text.Length)];
                    break;
                case 6: // random bytes, decoded as UTF-8 (garbage on the wire)
                    var bytes = new byte[random.Next(1, 16)];
                    random.NextBytes(bytes);
                    text = text.Insert(random.Next(text.Length + 1), Encoding.UTF8.GetString(bytes));
                    break;
                case 7 when text.Length > 0: // replace a character by a printable one
                    var at = random.Next(text.Length);
                    text = text.Remove(at, 1).Insert(at, ((char)random.Next(0x20, 0x7f)).ToString());
                    break;
                default: // switch to LF line ends
                    text = text.Replace("\r\n", "\n", StringComparison.Ordinal);
                    break;
            }
        }
        return text;
    }
}
