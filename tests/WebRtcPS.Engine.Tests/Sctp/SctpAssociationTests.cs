using System.Security.Cryptography;
using WebRtcPS.Engine.Sctp;
using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Engine.Tests.Sctp;

public class SctpAssociationTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task EstablishesWithAndWithoutInitCollision(bool bothSendInit)
    {
        await using var pair = await SctpPair.ConnectAsync(bothSendInit: bothSendInit);
        Assert.Equal(RTCSctpTransportState.Connected, pair.A.State);
        Assert.Equal(RTCSctpTransportState.Connected, pair.B.State);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1200)]
    [InlineData(65535)]
    [InlineData(65536)]
    [InlineData(262144)]
    public async Task DeliversMessagesOfManySizes(int size)
    {
        await using var pair = await SctpPair.ConnectAsync();
        var payload = RandomNumberGenerator.GetBytes(size);
        await pair.A.SendAsync(3, 53, payload);
        await pair.B.SendAsync(4, 51, payload);
        using var cts = new CancellationTokenSource(SctpPair.Generous);
        var atB = await pair.B.Messages.ReadAsync(cts.Token);
        var atA = await pair.A.Messages.ReadAsync(cts.Token);
        Assert.Equal((ushort)3, atB.StreamId);
        Assert.Equal(53u, atB.Ppid);
        Assert.Equal(payload, atB.Data);
        Assert.Equal((ushort)4, atA.StreamId);
        Assert.Equal(payload, atA.Data);
    }

    [Fact]
    public async Task RejectsMessagesAboveMaxMessageSizeAndEmptyOnes()
    {
        await using var pair = await SctpPair.ConnectAsync();
        Assert.Throws<ArgumentOutOfRangeException>(() => pair.A.Send(1, 53, new byte[262145]));
        Assert.Throws<ArgumentOutOfRangeException>(() => pair.A.Send(1, 53, Array.Empty<byte>()));
    }

    [Fact]
    public async Task StartAnswersAnInitAlreadyWaitingInsteadOfSendingItsOwn()
    {
        var link = new InMemoryDatagramLink();
        var recorded = new RecordingTransport(link.B);
        await using var a = new SctpAssociation(link.A, SctpPair.FastOptions());
        await using var b = new SctpAssociation(recorded, SctpPair.FastOptions());
        a.Start();   // its INIT waits in B's transport: B has not started (its DTLS connected later)
        using var cts = new CancellationTokenSource(SctpPair.Generous);
        while (link.A.Sent == 0) await Task.Delay(1, cts.Token);
        b.Start();
        await Task.WhenAll(a.WaitConnectedAsync(cts.Token), b.WaitConnectedAsync(cts.Token));
        var chunks = recorded.SentChunks();
        Assert.Equal(ChunkType.InitAck, chunks[0]);
        Assert.DoesNotContain(ChunkType.Init, chunks);
    }

    /// <summary>A transport that records the chunk types of what is sent through it.</summary>
    private sealed class RecordingTransport(IDatagramTransport inner) : IDatagramTransport
    {
        private readonly List<byte[]> _sent = [];
        public int MaxDatagramSize => inner.MaxDatagramSize;

        public ValueTask SendAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken = default)
        {
            lock (_sent) _sent.Add(datagram.ToArray());
            return inner.SendAsync(datagram, cancellationToken);
        }

        public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReceiveAsync(buffer, cancellationToken);

        public List<ChunkType> SentChunks()
        {
            lock (_sent)
                return [.. _sent.SelectMany(d => SctpPacket.TryParse(d, out var p) ? p.Chunks.Select(c => c.Type) : [])];
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    [Fact]
    public async Task ConnectAsyncReturnsAnEstablishedAssociation()
    {
        var link = new InMemoryDatagramLink();
        await using var passive = new SctpAssociation(link.B, SctpPair.FastOptions(sendInit: false));
        passive.Start();
        using var cts = new CancellationTokenSource(SctpPair.Generous);
        await using var active = await SctpAssociation.ConnectAsync(link.A, SctpPair.FastOptions(), cancellationToken: cts.Token);
        Assert.Equal(RTCSctpTransportState.Connected, active.State);
    }

    [Fact]
    public async Task ConnectAsyncFailsWhenNobodyAnswers()
    {
        var link = new InMemoryDatagramLink();
        var options = new SctpAssociationOptions
        {
            RtoInitial = TimeSpan.FromMilliseconds(20), RtoMin = TimeSpan.FromMilliseconds(20), MaxInitRetransmits = 2,
        };
        var error = await Assert.ThrowsAsync<IOException>(() => SctpAssociation.ConnectAsync(link.A, options));
        Assert.Contains("timed out", error.Message);
    }

    [Fact]
    public async Task StatisticsReflectTheTraffic()
    {
        await using var pair = await SctpPair.ConnectAsync();
        await pair.A.SendAsync(1, 53, new byte[10_000]);
        await pair.ReadAtBAsync();
        var stats = await pair.A.GetStatisticsAsync();
        Assert.Equal(AssociationState.Established, stats.State);
        Assert.True(stats.PacketsSent >= 9);
        Assert.True(stats.CongestionWindow >= 1200);
        Assert.True(stats.Rto > TimeSpan.Zero);
        await pair.A.DisposeAsync();
        Assert.Equal(AssociationState.Closed, (await pair.A.GetStatisticsAsync()).State);
    }
}
