using WebRtcPS.Engine.Sctp;
using WebRtcPS.Engine.Tests.Transport;
using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Engine.Tests.Sctp;

public class SctpBatchTests
{
    [Fact]
    public async Task ALoopStepsPacketsGoDownAsOneBatch()
    {
        var link = new InMemoryDatagramLink();
        var recording = new BatchRecordingTransport(link.A);
        await using var a = new SctpAssociation(recording, SctpPair.FastOptions());
        await using var b = new SctpAssociation(link.B, SctpPair.FastOptions());
        a.Start();
        b.Start();
        using var cts = new CancellationTokenSource(SctpPair.Generous);
        await Task.WhenAll(a.WaitConnectedAsync(cts.Token), b.WaitConnectedAsync(cts.Token));

        var payload = new byte[60_000];
        new Random(3).NextBytes(payload);
        await a.SendAsync(1, 53, payload, cancellationToken: cts.Token);
        var message = await b.Messages.ReadAsync(cts.Token);

        Assert.Equal(payload, message.Data.ToArray());
        Assert.Equal(0, recording.SingleSends);
        // The initial window (RFC 9260 §7.2.1: min(4 MTU, max(2 MTU, 4380))) leaves in one step.
        Assert.Contains(recording.Batches, n => n >= 3);
        Assert.Equal(a.PacketsSent, recording.Batches.Sum());
    }
}
