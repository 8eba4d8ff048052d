using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.Sctp;
using WebRtcPS.Engine.Tests.Dtls;
using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Engine.Tests.Sctp;

/// <summary>SCTP over our DTLS transport, which pushes each record to it on the receiving thread
/// (IDatagramPushSource): small packets are handled there, full ones on a pool thread, in one
/// order; the transport's end closes the association as a receive loop's end did.</summary>
public class SctpOverPushingDtlsTests
{
    /// <summary>Two associations over a connected pair of our DTLS transports (each over a
    /// <see cref="PushingTransport"/>, as over ICE), established; disposed in that order.</summary>
    private sealed class Stack : IAsyncDisposable
    {
        public required DtlsConnectionTransport DtlsA { get; init; }
        public required DtlsConnectionTransport DtlsB { get; init; }
        public required SctpAssociation A { get; init; }
        public required SctpAssociation B { get; init; }

        public static async Task<Stack> ConnectAsync()
        {
            var link = new InMemoryDatagramLink();
            var accepting = DtlsTransports.StartWhenReadyAsync(new PushingTransport(link.B), DtlsTestPeers.Parameters(DtlsRole.Server) with { Implementation = DtlsImplementation.Native }, null, default);
            var connecting = DtlsTransports.StartWhenReadyAsync(new PushingTransport(link.A), DtlsTestPeers.Parameters(DtlsRole.Client) with { Implementation = DtlsImplementation.Native }, null, default);
            var dtlsA = (DtlsConnectionTransport)await connecting.Within(SctpPair.Generous);
            var dtlsB = (DtlsConnectionTransport)await accepting.Within(SctpPair.Generous);
            var stack = new Stack { DtlsA = dtlsA, DtlsB = dtlsB, A = new SctpAssociation(dtlsA, SctpPair.FastOptions()), B = new SctpAssociation(dtlsB, SctpPair.FastOptions()) };
            stack.A.Start();
            stack.B.Start();
            using var cts = new CancellationTokenSource(SctpPair.Generous);
            await Task.WhenAll(stack.A.WaitConnectedAsync(cts.Token), stack.B.WaitConnectedAsync(cts.Token));
            return stack;
        }

        public async ValueTask DisposeAsync()
        {
            await A.DisposeAsync();
            await B.DisposeAsync();
            await DtlsA.DisposeAsync();
            await DtlsB.DisposeAsync();
        }
    }

    [Fact]
    public async Task SmallAndFullPacketsInterleaved_ArriveWhole_AndInOrderPerStream()
    {
        await using var stack = await Stack.ConnectAsync();
        using var cts = new CancellationTokenSource(SctpPair.Generous);

        // 100-byte messages (one small packet each, handled inline) between 3,000-byte ones
        // (full packets, deferred to the pool), on one ordered stream.
        var sent = new List<byte[]>();
        for (var i = 0; i < 200; i++)
        {
            var message = new byte[i % 3 == 0 ? 3000 : 100];
            new Random(i).NextBytes(message);
            message[0] = (byte)i;
            sent.Add(message);
            await stack.A.SendAsync(1, 53, message, cancellationToken: cts.Token);
        }
        foreach (var expected in sent) Assert.Equal(expected, (await stack.B.Messages.ReadAsync(cts.Token)).Data);
        Assert.Equal(0, stack.A.InternalErrors + stack.B.InternalErrors);
        Assert.Equal(0, stack.B.PacketsDropped);
    }

    [Fact]
    public async Task ThePeersCloseNotify_EndsTheSource_AndClosesTheAssociation()
    {
        await using var stack = await Stack.ConnectAsync();

        await stack.DtlsA.CloseAsync();   // close_notify, with no SCTP ABORT or SHUTDOWN before it
        await stack.B.Completion.WaitAsync(SctpPair.Generous);
        Assert.Equal(RTCSctpTransportState.Closed, stack.B.State);
        Assert.Equal("transport closed", stack.B.CloseReason);
    }
}
