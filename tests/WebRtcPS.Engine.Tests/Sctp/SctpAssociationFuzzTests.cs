using WebRtcPS.Engine.Sctp;

namespace WebRtcPS.Engine.Tests.Sctp;

public class SctpAssociationFuzzTests
{
    private static readonly ISctpChunk[] ControlCorpus =
    [
        new HeartbeatChunk([1, 2, 3, 4, 5, 6, 7, 8]),
        new HeartbeatAckChunk([1, 2, 3, 4, 5, 6, 7, 8]),
        new CookieAckChunk(),
        new ErrorChunk([new ErrorCause(ErrorCauseCode.InvalidStreamIdentifier, [0, 1, 0, 0])]),
        new UnknownChunk(0xC7, 0, [1, 2, 3]),
        new UnknownChunk(0x47, 0, [1, 2, 3]),
        new ReConfigChunk([new ReconfigurationResponseParameter(12345, ReconfigurationResult.SuccessPerformed)]),
        new InitAckChunk(new InitBody(1, 2, 3, 4, 5, [new StateCookieParameter(new byte[68])])),
        new CookieEchoChunk(new byte[68]),
        new SackChunk(3, 1000, [new GapAckBlock(2, 3)], [1]),
    ];

    private static readonly ISctpChunk[] FullCorpus =
    [
        .. ControlCorpus,
        new DataChunk(100, 1, 0, 53, new byte[] { 1, 2, 3 }, Beginning: false),
        new ForwardTsnChunk(5, [new ForwardTsnStream(1, 2)]),
        new ShutdownChunk(1),
        new ShutdownAckChunk(),
        new AbortChunk([]),
        new ReConfigChunk([new OutgoingSsnResetRequestParameter(1, 2, 3, [1])]),
        new InitChunk(new InitBody(1, 2, 3, 4, 5, [])),
    ];

    private static byte[] Mutated(Random rng, uint tag, ISctpChunk[] corpus)
    {
        var chunks = Enumerable.Range(0, rng.Next(1, 4)).Select(_ => corpus[rng.Next(corpus.Length)]).ToArray();
        var bytes = new SctpPacket(5000, 5000, tag, chunks).ToArray();
        // Mutate chunk bodies but keep type and length bytes of the first chunk, then fix the checksum.
        for (var k = bytes.Length > 16 ? rng.Next(0, 4) : 0; k > 0; k--) bytes[16 + rng.Next(bytes.Length - 16)] = (byte)rng.Next(256);
        if (rng.Next(4) == 0) bytes = bytes[..rng.Next(16, bytes.Length + 1)];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), SctpPacket.ComputeChecksum(bytes));
        return bytes;
    }

    [Fact]
    public async Task GarbageAndForeignPacketsAreDroppedAndTheAssociationCarriesOn()
    {
        await using var pair = await SctpPair.ConnectAsync(seed: 21);
        var rng = new Random(99);
        for (var i = 0; i < 3000; i++)
        {
            byte[] datagram;
            switch (i % 3)
            {
                case 0:
                    datagram = new byte[rng.Next(0, 1300)];
                    rng.NextBytes(datagram);
                    break;
                case 1:
                    datagram = Mutated(rng, (uint)rng.Next(), FullCorpus);   // valid checksum, wrong tag
                    break;
                default:
                    datagram = Mutated(rng, pair.B.LocalVerificationTag, ControlCorpus);   // right tag, harmless chunk types
                    break;
            }
            await pair.Link.A.SendAsync(datagram);
        }
        await pair.A.SendAsync(1, 51, "still alive"u8.ToArray());
        var message = await pair.ReadAtBAsync();
        Assert.Equal("still alive"u8.ToArray(), message.Data);
        await pair.B.SendAsync(2, 51, "me too"u8.ToArray());
        var back = await pair.A.Messages.ReadAsync().AsTask().WaitAsync(SctpPair.Generous);
        Assert.Equal("me too"u8.ToArray(), back.Data);
        Assert.True(pair.B.PacketsDropped > 0);
    }

    [Fact]
    public async Task AnyValidlyTaggedChunkNeverCrashesOrHangsTheLoop()
    {
        await using var pair = await SctpPair.ConnectAsync(seed: 22);
        var rng = new Random(7);
        for (var i = 0; i < 5000; i++)
        {
            await pair.Link.A.SendAsync(Mutated(rng, pair.B.LocalVerificationTag, FullCorpus));
            if (i % 500 == 0) await pair.A.SendAsync(1, 53, new byte[rng.Next(1, 5000)]);
        }
        // Whatever state the garbage drove it into (an ABORT in the corpus may close it), B's loop
        // must still answer: a graceful shutdown request completes, one way or the other.
        var shutdown = pair.B.ShutdownAsync();
        await Task.WhenAny(shutdown, Task.Delay(SctpPair.Generous));
        pair.B.Abort("test done");
        await pair.B.Completion.WaitAsync(SctpPair.Generous);
        Assert.Equal(RTCSctpTransportState.Closed, pair.B.State);
    }
}
