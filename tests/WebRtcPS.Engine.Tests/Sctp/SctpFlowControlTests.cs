using System.Security.Cryptography;
using WebRtcPS.Engine.Sctp;

namespace WebRtcPS.Engine.Tests.Sctp;

public class SctpFlowControlTests
{
    [Fact]
    public async Task ASlowReaderHoldsAtMostAWindowAndThenGetsEverything()
    {
        var options = SctpPair.FastOptions() is var o ? new SctpAssociationOptions
        {
            RtoInitial = o.RtoInitial, RtoMin = o.RtoMin, RtoMax = o.RtoMax, MaxAssociationRetransmits = 10, MaxInitRetransmits = 50,
            ReceiveWindow = 256 * 1024, MaxMessageSize = 64 * 1024, MaxBufferedAmount = 64L * 1024 * 1024,
        } : null;
        await using var pair = await SctpPair.ConnectAsync(seed: 51, options: options);
        using var sent = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var rng = new Random(3);
        const int count = 128;   // 4 MiB in 32 KiB messages, 16 windows' worth
        for (var i = 0; i < count; i++)
        {
            var payload = new byte[32 * 1024];
            rng.NextBytes(payload);
            sent.AppendData(payload);
            pair.A.Send(1, 53, payload);
        }
        // Nobody reads at B: it fills up to its window and then refuses more.
        using (var cts = new CancellationTokenSource(SctpPair.Generous))
            while (pair.B.UnconsumedBytes < 200 * 1024) await Task.Delay(10, cts.Token);
        await Task.Delay(2000);   // long enough for several zero-window probe timeouts
        Assert.InRange(pair.B.UnconsumedBytes, 0, 256 * 1024 + 64 * 1024);
        Assert.True(pair.A.BufferedAmount > 0 || pair.B.Messages.Count < count);

        using var received = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (var i = 0; i < count; i++) received.AppendData((await pair.ReadAtBAsync()).Data);
        Assert.Equal(Convert.ToHexString(sent.GetHashAndReset()), Convert.ToHexString(received.GetHashAndReset()));
        Assert.Equal(0, pair.B.UnconsumedBytes);
    }
}
