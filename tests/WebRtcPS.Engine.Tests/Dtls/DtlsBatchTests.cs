using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.Tests.Transport;
using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Engine.Tests.Dtls;

public class DtlsBatchTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    // A connected pair whose client's lower transport records how it is called.
    private static async Task<(BatchRecordingTransport, DtlsTransport, DtlsTransport)> ConnectRecordingAsync()
    {
        var link = new InMemoryDatagramLink();
        var recording = new BatchRecordingTransport(link.A);
        var (client, server) = await DtlsTestPeers.ConnectAsync(recording, link.B).Within(Generous);
        return (recording, client, server);
    }

    [Fact]
    public async Task BatchIsEncryptedRecordByRecordAndHandedDownAsOneBatch()
    {
        var (recording, client, server) = await ConnectRecordingAsync();
        await using (client)
        await using (server)
        {
            var batch = new DatagramBatch();
            var sizes = new[] { client.MaxDatagramSize, client.MaxDatagramSize, 1, 500, client.MaxDatagramSize, 77 };
            for (var i = 0; i < sizes.Length; i++) batch.Add(Enumerable.Repeat((byte)(i + 1), sizes[i]).ToArray());
            var singlesBefore = recording.SingleSends;

            await client.SendBatchAsync(batch);

            Assert.Equal([sizes.Length], recording.Batches);
            Assert.Equal(singlesBefore, recording.SingleSends);
            var buffer = new byte[2048];
            for (var i = 0; i < sizes.Length; i++)
            {
                var n = await server.ReceiveAsync(buffer).AsTask().Within(Generous);
                Assert.Equal(sizes[i], n);
                Assert.All(buffer.AsSpan(0, n).ToArray(), b => Assert.Equal((byte)(i + 1), b));
            }
            Assert.Equal(sizes.Length, client.DatagramsSent - 2);   // the handshake's two flights, then one datagram a record
        }
    }

    [Fact]
    public async Task OversizeDatagramInABatchIsRefusedBeforeAnythingIsSent()
    {
        var (recording, client, server) = await ConnectRecordingAsync();
        await using (client)
        await using (server)
        {
            var batch = new DatagramBatch();
            batch.Add(new byte[10]);
            batch.Add(new byte[(1 << 14) + 1]);
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.SendBatchAsync(batch).AsTask());
            Assert.Empty(recording.Batches);
            Assert.Equal(RTCDtlsTransportState.Connected, client.State);
        }
    }
}
