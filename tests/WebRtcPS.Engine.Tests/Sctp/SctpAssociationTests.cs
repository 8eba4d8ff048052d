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
