using System.Text;
using WebRtcPS.Signaling;
using WebRtcPS.Signaling.Client;

namespace WebRtcPS.Engine.Tests.Signaling;

public class SignalingStreamReaderTests
{
    /// <summary>Hands out at most <c>chunk</c> bytes per read, to split objects across reads.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) =>
            base.ReadAsync(buffer[..Math.Min(chunk, buffer.Length)], ct);
    }

    private static async Task<List<SignalingMessage>> ReadAll(string wire, int chunk = 4096)
    {
        var list = new List<SignalingMessage>();
        await foreach (var m in SignalingStreamReader.ReadAllAsync(new TrickleStream(Encoding.UTF8.GetBytes(wire), chunk)))
            list.Add(m);
        return list;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4096)]
    public async Task ReadsObjectsBackToBackWithOrWithoutNewlines(int chunk)
    {
        var wire = "{\"type\":\"offer\",\"content\":\"v=0\\r\\n\",\"to\":\"b\",\"from\":\"a\"}"
                   + "{\"type\":\"heartbeat\"}\n"
                   + "  \r\n{\"type\":\"candidate\",\"content\":\"candidate:1 1 udp 1 1.2.3.4 5 typ host\",\"to\":\"b\",\"from\":\"a\"}\n";
        var messages = await ReadAll(wire, chunk);
        Assert.Equal(["offer", "heartbeat", "candidate"], messages.Select(m => m.Type));
        Assert.Equal("v=0\r\n", messages[0].Content);
        Assert.True(messages[1].IsHeartbeat);
    }

    [Fact]
    public async Task NestedBracesInStringsDoNotConfuseFraming()
    {
        var messages = await ReadAll("{\"type\":\"x\",\"content\":\"}{\\\"}\",\"to\":\"b\"}{\"type\":\"y\"}", chunk: 2);
        Assert.Equal(["x", "y"], messages.Select(m => m.Type));
        Assert.Equal("}{\"}", messages[0].Content);
    }

    [Fact]
    public async Task WrongShapeObjectIsSkippedNotFatal()
    {
        var messages = await ReadAll("{\"type\":42}{\"type\":\"answer\"}");
        Assert.Equal(["answer"], messages.Select(m => m.Type));
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("{\"type\":\"offer\"")]
    [InlineData("{\"type\" \"offer\"}")]
    public async Task MalformedStreamIsASignalingException(string wire)
    {
        await Assert.ThrowsAsync<SignalingException>(() => ReadAll(wire));
    }
}
