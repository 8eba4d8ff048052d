using System.Diagnostics;
using System.Security.Cryptography;
using WebRtcPS.Engine.Sctp;
using WebRtcPS.Engine.Transport;
using Xunit.Abstractions;

namespace WebRtcPS.Engine.Tests.Sctp;

public class SctpBulkTransferTests(ITestOutputHelper output)
{
    internal static async Task<(byte[] Sent, byte[] Received, TimeSpan Elapsed)> TransferAsync(SctpPair pair, long totalBytes, int seed,
        SctpSendOptions options = default, ushort streamId = 1)
    {
        var rng = new Random(seed);
        using var sentHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var receivedHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var sw = Stopwatch.StartNew();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var receiver = Task.Run(async () =>
        {
            long got = 0;
            while (got < totalBytes)
            {
                var message = await pair.B.Messages.ReadAsync(cts.Token);
                Assert.Equal(streamId, message.StreamId);
                receivedHash.AppendData(message.Data);
                got += message.Data.Length;
            }
        });
        long sent = 0;
        while (sent < totalBytes)
        {
            var size = (int)Math.Min(totalBytes - sent, rng.Next(1, 65536));
            var payload = new byte[size];
            rng.NextBytes(payload);
            sentHash.AppendData(payload);
            await pair.A.SendAsync(streamId, 53, payload, options, cts.Token);
            sent += size;
        }
        await receiver;
        return (sentHash.GetHashAndReset(), receivedHash.GetHashAndReset(), sw.Elapsed);
    }

    [Theory]
    [InlineData(0.0, 16)]
    [InlineData(0.10, 16)]
    [InlineData(0.0, 64)]
    [InlineData(0.05, 64)]
    public async Task BulkTransferSurvivesLossReorderAndDuplication(double loss, int mebibytes)
    {
        var impairment = new LinkImpairment { LossRate = loss, DuplicateRate = loss / 2, ReorderRate = loss };
        await using var pair = await SctpPair.ConnectAsync(seed: 7, impairment: impairment);
        long total = mebibytes * 1024L * 1024;
        var (sent, received, elapsed) = await TransferAsync(pair, total, seed: 11);
        Assert.Equal(Convert.ToHexString(sent), Convert.ToHexString(received));
        output.WriteLine($"{mebibytes} MiB at {loss:P0} loss: {elapsed.TotalSeconds:F2} s, {total / elapsed.TotalSeconds / 1e6:F1} MB/s, " +
            $"A sent {pair.A.PacketsSent} packets, link dropped {pair.Link.A.Dropped + pair.Link.B.Dropped}, " +
            $"B sent {pair.B.PacketsSent}, A retransmissions {pair.A.Retransmissions}, A T3 expiries {pair.A.Timeouts}");
    }
}
