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
}
