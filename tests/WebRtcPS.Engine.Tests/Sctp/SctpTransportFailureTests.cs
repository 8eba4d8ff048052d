using WebRtcPS.Engine.Sctp;
using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Engine.Tests.Sctp;

public class SctpTransportFailureTests
{
    /// <summary>Fails every other send, as a UDP socket does after an ICMP error.</summary>
    private sealed class FlakyTransport(IDatagramTransport inner) : IDatagramTransport
    {
        private int _count;
        public int MaxDatagramSize => inner.MaxDatagramSize;
        public ValueTask SendAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken = default) =>
            Interlocked.Increment(ref _count) % 2 == 0 ? throw new IOException("send failed") : inner.SendAsync(datagram, cancellationToken);
        public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReceiveAsync(buffer, cancellationToken);
        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    [Fact]
    public async Task FailedSendsAreTreatedAsLoss()
    {
        var link = new InMemoryDatagramLink();
        await using var a = new SctpAssociation(new FlakyTransport(link.A), SctpPair.FastOptions());
        await using var b = new SctpAssociation(link.B, SctpPair.FastOptions());
        a.Start();
        b.Start();
        using var cts = new CancellationTokenSource(SctpPair.Generous);
        await Task.WhenAll(a.WaitConnectedAsync(cts.Token), b.WaitConnectedAsync(cts.Token));
        var payload = new byte[100_000];
        new Random(1).NextBytes(payload);
        await a.SendAsync(1, 53, payload);
        Assert.Equal(payload, (await b.Messages.ReadAsync(cts.Token)).Data);
        Assert.Equal(0, a.InternalErrors);
    }

    [Fact]
    public async Task ADisposedTransportClosesTheAssociation()
    {
        await using var pair = await SctpPair.ConnectAsync();
        await pair.Link.A.DisposeAsync();
        pair.A.Send(1, 53, new byte[10]);
        await pair.A.Completion.WaitAsync(SctpPair.Generous);
        Assert.Equal(RTCSctpTransportState.Closed, pair.A.State);
        Assert.Equal("transport closed", pair.A.CloseReason);
    }

    [Fact]
    public async Task ADatagramThatIsNotAPacket_IsDropped_AndDescribedWithItsFirstBytes()
    {
        await using var pair = await SctpPair.ConnectAsync();
        var garbage = new byte[40];
        garbage[0] = 0x13;
        garbage[1] = 0x88;   // a plausible source port, then zeros: the checksum cannot match
        await pair.Link.B.SendAsync(garbage);
        var deadline = DateTime.UtcNow + SctpPair.Generous;
        while (pair.A.PacketsDropped == 0 && DateTime.UtcNow < deadline) await Task.Delay(5);
        Assert.Equal(1, pair.A.PacketsDropped);
        Assert.Contains("packetsDropped=1 (last: 40 bytes, bad checksum: 1388000000", pair.A.Describe());
        // The association goes on.
        pair.B.Send(1, 53, new byte[10]);
        Assert.Equal(10, (await pair.A.Messages.ReadAsync().AsTask().WaitAsync(SctpPair.Generous)).Data.Length);
    }
}
