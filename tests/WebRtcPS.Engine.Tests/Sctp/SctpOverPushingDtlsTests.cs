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
    private static async Task<(DtlsConnectionTransport A, DtlsConnectionTransport B)> DtlsAsync()
    {
        var link = new InMemoryDatagramLink();
        var accepting = DtlsTransports.StartWhenReadyAsync(new PushingTransport(link.B), DtlsTestPeers.Parameters(DtlsRole.Server) with { Implementation = DtlsImplementation.Native }, null, default);
        var connecting = DtlsTransports.StartWhenReadyAsync(new PushingTransport(link.A), DtlsTestPeers.Parameters(DtlsRole.Client) with { Implementation = DtlsImplementation.Native }, null, default);
        return ((DtlsConnectionTransport)await connecting.Within(SctpPair.Generous), (DtlsConnectionTransport)await accepting.Within(SctpPair.Generous));
    }

    [Fact]
    public async Task SmallAndFullPacketsInterleaved_ArriveWhole_AndInOrderPerStream()
    {
        var (dtlsA, dtlsB) = await DtlsAsync();
        await using (dtlsA)
        await using (dtlsB)
        {
            await using var a = new SctpAssociation(dtlsA, SctpPair.FastOptions());
            await using var b = new SctpAssociation(dtlsB, SctpPair.FastOptions());
            a.Start();
            b.Start();
            using var cts = new CancellationTokenSource(SctpPair.Generous);
            await Task.WhenAll(a.WaitConnectedAsync(cts.Token), b.WaitConnectedAsync(cts.Token));

            // 100-byte messages (one small packet each, handled inline) between 3,000-byte ones
            // (full packets, deferred to the pool), on one ordered stream.
            var sent = new List<byte[]>();
            for (var i = 0; i < 200; i++)
            {
                var message = new byte[i % 3 == 0 ? 3000 : 100];
                new Random(i).NextBytes(message);
                message[0] = (byte)i;
                sent.Add(message);
                await a.SendAsync(1, 53, message, cancellationToken: cts.Token);
            }
            foreach (var expected in sent) Assert.Equal(expected, (await b.Messages.ReadAsync(cts.Token)).Data);
            Assert.Equal(0, a.InternalErrors + b.InternalErrors);
            Assert.Equal(0, b.PacketsDropped);
        }
    }

    [Fact]
    public async Task ThePeersCloseNotify_EndsTheSource_AndClosesTheAssociation()
    {
        var (dtlsA, dtlsB) = await DtlsAsync();
        await using (dtlsA)
        await using (dtlsB)
        {
            await using var b = new SctpAssociation(dtlsB, SctpPair.FastOptions());
            await using var a = new SctpAssociation(dtlsA, SctpPair.FastOptions());
            a.Start();
            b.Start();
            using var cts = new CancellationTokenSource(SctpPair.Generous);
            await Task.WhenAll(a.WaitConnectedAsync(cts.Token), b.WaitConnectedAsync(cts.Token));

            await dtlsA.CloseAsync();   // close_notify, with no SCTP ABORT or SHUTDOWN before it
            await b.Completion.WaitAsync(SctpPair.Generous);
            Assert.Equal(RTCSctpTransportState.Closed, b.State);
            Assert.Equal("transport closed", b.CloseReason);
        }
    }
}
