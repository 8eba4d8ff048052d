using WebRtcPS.Signaling;
using WebRtcPS.Signaling.Client;

namespace WebRtcPS.Engine.Tests.Signaling;

public class InProcessSignalingTests
{
    [Fact]
    public async Task AMessageWaitsForItsRecipientAndArrivesInOrderWithItsSender()
    {
        var hub = new InProcessSignaling();
        using var a = hub.Connect("a");
        await a.SendAsync(new SignalingMessage { Type = SignalingMessage.Offer, Content = "sdp", To = "b" });
        await a.SendAsync(new SignalingMessage { Type = SignalingMessage.Candidate, Content = "candidate:1", To = "b" });

        using var b = hub.Connect("b"); // connects after both were sent, as the server's mailbox allows
        var received = new List<SignalingMessage>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await foreach (var m in b.ReceiveAsync(cts.Token))
        {
            received.Add(m);
            if (received.Count == 2) break;
        }

        Assert.Equal([SignalingMessage.Offer, SignalingMessage.Candidate], received.Select(m => m.Type));
        Assert.All(received, m => Assert.Equal("a", m.From));
    }

    [Fact]
    public async Task DisposingAnEndEndsItsReading()
    {
        var hub = new InProcessSignaling();
        var b = hub.Connect("b");
        var reading = Task.Run(async () =>
        {
            var n = 0;
            await foreach (var _ in b.ReceiveAsync()) n++;
            return n;
        });
        b.Dispose();
        Assert.Equal(0, await reading.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
