using WebRtcPS.Engine.Sctp;

namespace WebRtcPS.Engine.Tests.Sctp;

public class ChunkCodecTests
{
    // Hand-built from RFC 9260 §3.3.2: INIT, tag 0x01020304, a_rwnd 131072, OS 1024, MIS 1024,
    // initial TSN 0x0A0B0C0D, Supported Extensions {130, 192} (padded), Forward-TSN-Supported.
    private const string InitHex =
        "01000020" + "01020304" + "00020000" + "04000400" + "0A0B0C0D" +
        "80080006" + "82C00000" + "C0000004";

    [Fact]
    public void ParsesHandBuiltInit()
    {
        var bytes = Convert.FromHexString(InitHex);
        Assert.True(InitChunk.TryParse(bytes, out var init));
        Assert.Equal(0x01020304u, init.Body.InitiateTag);
        Assert.Equal(131072u, init.Body.ARwnd);
        Assert.Equal(1024, init.Body.OutboundStreams);
        Assert.Equal(1024, init.Body.InboundStreams);
        Assert.Equal(0x0A0B0C0Du, init.Body.InitialTsn);
        var ext = init.Body.Find<SupportedExtensionsParameter>();
        Assert.NotNull(ext);
        Assert.True(ext.Supports(ChunkType.ReConfig));
        Assert.True(ext.Supports(ChunkType.ForwardTsn));
        Assert.NotNull(init.Body.Find<ForwardTsnSupportedParameter>());
        Assert.Equal(InitHex, Hex(init));
    }

    // RFC 9260 §3.3.1: DATA, flags U|B|E, TSN 1, stream 2, SSN 3, PPID 51, "hi" + 2 bytes padding (not counted in length).
    [Fact]
    public void DataChunkMatchesRfcLayout()
    {
        var data = new DataChunk(1, 2, 3, 51, "hi"u8.ToArray(), Unordered: true);
        Assert.Equal("00070012" + "00000001" + "00020003" + "00000033" + "6869", Hex(data));
        Assert.True(DataChunk.TryParse(Convert.FromHexString(Hex(data)), out var back));
        Assert.True(back.Unordered && back.Beginning && back.Ending && !back.Immediate);
        Assert.Equal("hi"u8.ToArray(), back.UserData.ToArray());
    }

    [Fact]
    public void SackMatchesRfcLayout()
    {
        var sack = new SackChunk(100, 65536, [new GapAckBlock(2, 3), new GapAckBlock(5, 5)], [99]);
        Assert.Equal("0300001C" + "00000064" + "00010000" + "00020001" + "00020003" + "00050005" + "00000063", Hex(sack));
    }

    [Fact]
    public void ForwardTsnAndReconfigMatchRfcLayout()
    {
        Assert.Equal("C000000C" + "0000000A" + "00010007", Hex(new ForwardTsnChunk(10, [new ForwardTsnStream(1, 7)])));
        var reset = new ReConfigChunk([new OutgoingSsnResetRequestParameter(5, 4, 3, [1, 2, 3])]);
        Assert.Equal("8200001A" + "000D0016" + "00000005" + "00000004" + "00000003" + "000100020003" + "0000", PaddedHex(reset));
        var response = new ReConfigChunk([new ReconfigurationResponseParameter(5, ReconfigurationResult.SuccessPerformed)]);
        Assert.Equal("82000010" + "0010000C" + "00000005" + "00000001", Hex(response));
    }

    public static TheoryData<string> AllChunks() => new(Samples.Keys);

    [Theory]
    [MemberData(nameof(AllChunks))]
    public void EveryChunkRoundTripsThroughAPacket(string name)
    {
        var chunk = Samples[name];
        var packet = new SctpPacket(5000, 5000, 0xDEADBEEF, [chunk, new CookieAckChunk()]);
        var bytes = packet.ToArray();
        Assert.Equal(0, bytes.Length % 4);
        Assert.True(SctpPacket.TryParse(bytes, out var parsed));
        Assert.Equal(5000, parsed.SourcePort);
        Assert.Equal(0xDEADBEEFu, parsed.VerificationTag);
        Assert.Equal(2, parsed.Chunks.Count);
        Assert.Equal(chunk.GetType(), parsed.Chunks[0].GetType());
        Assert.Equal(Hex(chunk), Hex(parsed.Chunks[0]));
        Assert.Equal(bytes, parsed.ToArray());
    }

    private static readonly Dictionary<string, ISctpChunk> Samples = new()
    {
        ["data"] = new DataChunk(0xFFFFFFFF, 7, 65535, 53, new byte[] { 1, 2, 3 }, Beginning: false),
        ["data-empty"] = new DataChunk(1, 0, 0, 56, Array.Empty<byte>()),
        ["init"] = new InitChunk(new InitBody(1, 2, 3, 4, 5, [new SupportedExtensionsParameter([130, 192]), new ForwardTsnSupportedParameter()])),
        ["init-ack"] = new InitAckChunk(new InitBody(9, 8, 7, 6, 5, [new StateCookieParameter([1, 2, 3, 4, 5]), new UnknownParameter(0x8123, [9])])),
        ["sack"] = new SackChunk(1, 2, [new GapAckBlock(2, 4)], [7, 8]),
        ["heartbeat"] = new HeartbeatChunk([1, 2, 3, 4, 5, 6]),
        ["heartbeat-ack"] = new HeartbeatAckChunk([1, 2, 3]),
        ["abort"] = new AbortChunk([new ErrorCause(ErrorCauseCode.UserInitiatedAbort, "bye"u8.ToArray()), new ErrorCause(ErrorCauseCode.ProtocolViolation, [])], TagReflected: true),
        ["shutdown"] = new ShutdownChunk(42),
        ["shutdown-ack"] = new ShutdownAckChunk(),
        ["error"] = new ErrorChunk([new ErrorCause(ErrorCauseCode.UnrecognizedChunkType, [0xF0, 0, 0, 4])]),
        ["cookie-echo"] = new CookieEchoChunk([9, 9, 9]),
        ["cookie-ack"] = new CookieAckChunk(),
        ["shutdown-complete"] = new ShutdownCompleteChunk(true),
        ["forward-tsn"] = new ForwardTsnChunk(77, [new ForwardTsnStream(1, 2), new ForwardTsnStream(3, 4)]),
        ["reconfig-out"] = new ReConfigChunk([new OutgoingSsnResetRequestParameter(1, 2, 3, [4])]),
        ["reconfig-in"] = new ReConfigChunk([new IncomingSsnResetRequestParameter(1, [4, 5])]),
        ["reconfig-resp"] = new ReConfigChunk([new ReconfigurationResponseParameter(1, ReconfigurationResult.Denied, 10, 20)]),
        ["unknown"] = new UnknownChunk(0xC5, 0x11, [1, 2, 3, 4, 5]),
    };

    [Fact]
    public void CorruptedChecksumIsRejected()
    {
        var bytes = new SctpPacket(1, 2, 3, [new CookieAckChunk()]).ToArray();
        bytes[^1] ^= 1;
        Assert.False(SctpPacket.TryParse(bytes, out _));
    }

    [Fact]
    public void UnknownChunkKeepsUpperTwoBitsMeaning()
    {
        Assert.True(new UnknownChunk(0xC1, 0, []).ShouldSkip);
        Assert.True(new UnknownChunk(0xC1, 0, []).ShouldReport);
        Assert.False(new UnknownChunk(0x3F, 0, []).ShouldSkip);
        Assert.True(new UnknownChunk(0x41, 0, []).ShouldReport);
    }

    [Fact]
    public void RandomBytesNeverThrow()
    {
        var rng = new Random(1234);
        var valid = new SctpPacket(5000, 5000, 1, [.. Samples.Values]).ToArray();
        for (var i = 0; i < 20000; i++)
        {
            byte[] input;
            if (i % 2 == 0)
            {
                input = new byte[rng.Next(0, 200)];
                rng.NextBytes(input);
            }
            else
            {
                input = (byte[])valid.Clone();
                for (var k = 0; k < 1 + rng.Next(4); k++) input[12 + rng.Next(input.Length - 12)] = (byte)rng.Next(256);
                input = input[..rng.Next(12, input.Length + 1)];
            }
            // Without checksum verification so the chunk parsers themselves see the garbage.
            if (SctpPacket.TryParse(input, out var p, verifyChecksum: false))
                Assert.True(SctpPacket.TryParse(p.ToArray(), out _));
        }
    }

    private static string Hex(ISctpChunk chunk)
    {
        var buffer = new byte[chunk.EncodedLength];
        Assert.Equal(chunk.EncodedLength, chunk.Write(buffer));
        return Convert.ToHexString(buffer);
    }

    private static string PaddedHex(ISctpChunk chunk)
    {
        var buffer = new byte[(chunk.EncodedLength + 3) & ~3];
        chunk.Write(buffer);
        return Convert.ToHexString(buffer);
    }
}
