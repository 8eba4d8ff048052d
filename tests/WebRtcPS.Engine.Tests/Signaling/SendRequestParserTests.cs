using System.Text;
using WebRtcPS.Signaling.Server;

namespace WebRtcPS.Engine.Tests.Signaling;

public class SendRequestParserTests
{
    private static SendRequestParser.Result Parse(string body) =>
        SendRequestParser.Parse(Encoding.UTF8.GetBytes(body), 64, DateTimeOffset.UnixEpoch);

    [Fact]
    public void ForwardsTheObjectCompactedAndNewlineTerminated()
    {
        var r = Parse("{ \"type\" : \"offer\",\n \"content\": \"v=0\", \"to\": \"b\", \"from\": \"a\", \"extra\": [1] }");
        Assert.NotNull(r.Message);
        Assert.Equal("{\"type\":\"offer\",\"content\":\"v=0\",\"to\":\"b\",\"from\":\"a\",\"extra\":[1]}\n",
            Encoding.UTF8.GetString(r.Message!.Payload));
        Assert.Equal(("offer", "a", "b"), (r.Message.Type, r.Message.From, r.Message.To));
    }

    [Theory]
    [InlineData("{\"content\":\"x\",\"to\":\"b\"}", "type")]
    [InlineData("{\"type\":\"offer\",\"from\":\"a\"}", "to")]
    [InlineData("{\"type\":\"offer\",\"to\":\"\"}", "to")]
    [InlineData("{\"type\":\"offer\",\"to\":\"b\",\"content\":5}", "content")]
    [InlineData("{\"type\":1,\"to\":\"b\"}", "type")]
    [InlineData("{\"type\":\"offer\",\"to\":\"b\",\"from\":{}}", "from")]
    public void NamesTheBadField(string body, string field)
    {
        var r = Parse(body);
        Assert.Null(r.Message);
        Assert.Equal(field, r.Field);
        Assert.Contains($"'{field}'", r.Error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{\"type\":\"offer\",\"to\":\"b\"} {}")]
    [InlineData("{\"type\":\"offer\",\"to\":\"b\"")]
    public void RejectsMalformedBodies(string body)
    {
        var r = Parse(body);
        Assert.Null(r.Message);
        Assert.Null(r.Field);
        Assert.False(string.IsNullOrEmpty(r.Error));
    }

    [Fact]
    public void RandomBytesNeverThrow()
    {
        var random = new Random(7);
        for (var i = 0; i < 5000; i++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            if (i % 2 == 0 && bytes.Length > 0) bytes[0] = (byte)'{';
            var r = SendRequestParser.Parse(bytes, 64, DateTimeOffset.UnixEpoch);
            Assert.True(r.Message is not null || r.Error is not null);
        }
    }

    // Found by the fuzz smoke (Fuzz/ParserPropertyTests): a lone byte 0xC2 in "type" made
    // GetString throw InvalidOperationException (a 500 instead of a 400).
    [Fact]
    public void RefusesInvalidUtf8_AsFoundByFuzzing()
    {
        var body = Convert.FromHexString(
            "7B2274797065223A22C2222C226F6E74656E74223A2263616E6469646174653A3120312075647020323133303730363433312031302E302E3031" +
            "203120756470352074797020686F7374222C22746F223A2262222C2266726F6D223A2261222C226578747261223A5B312C7B226B223A6E756C6C7D5D7D");
        var r = SendRequestParser.Parse(body, 64, DateTimeOffset.UnixEpoch);
        Assert.Null(r.Message);
        Assert.Contains("UTF-8", r.Error);
        // Invalid UTF-8 in a field the server only forwards is refused as well.
        byte[] forwarded = [.. "{\"type\":\"o\",\"to\":\"b\",\"x\":\""u8, 0xFF, .. "\"}"u8];
        Assert.Null(SendRequestParser.Parse(forwarded, 64, DateTimeOffset.UnixEpoch).Message);
    }

    // Escapes that are no UTF-16 text: GetString (a required field) and the compacting writer
    // (any other string) threw InvalidOperationException.
    [Theory]
    [InlineData("{\"type\":\"\\ud800\",\"to\":\"b\"}")]
    [InlineData("{\"type\":\"o\",\"to\":\"b\",\"content\":\"\\udc00x\"}")]
    public void RefusesLoneSurrogateEscapes(string body)
    {
        var r = Parse(body);
        Assert.Null(r.Message);
        Assert.StartsWith("malformed JSON", r.Error);
    }
}
