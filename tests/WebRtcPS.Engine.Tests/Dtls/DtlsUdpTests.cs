using System.Diagnostics;
using WebRtcPS.Engine.Dtls;
using Xunit.Abstractions;

namespace WebRtcPS.Engine.Tests.Dtls;

public class DtlsUdpTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task HandshakeAndDataOverLoopbackUdp()
    {
        var (a, b) = UdpDatagramTransport.CreatePair();
        await using (a)
        await using (b)
        {
            var (client, server) = await DtlsTestPeers.ConnectAsync(a, b).Within(Generous);
            await using (client)
            await using (server)
            {
                var buffer = new byte[2048];
                var payload = new byte[client.MaxDatagramSize];
                Random.Shared.NextBytes(payload);
                await client.SendAsync(payload);
                Assert.Equal(payload, buffer[..await server.ReceiveAsync(buffer).AsTask().Within(Generous)]);
                await server.SendAsync(payload);
                Assert.Equal(payload, buffer[..await client.ReceiveAsync(buffer).AsTask().Within(Generous)]);

                var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                client.StateChanged += (_, s) => { if (s == RTCDtlsTransportState.Closed) closed.TrySetResult(); };
                await server.DisposeAsync();
                await closed.Task.Within(Generous);
            }
        }
    }

    /// <summary>64 MiB in 1,100-byte records over loopback UDP. Informational: the figure is
    /// printed, never asserted. The sender keeps at most 512 records in flight (credits returned by
    /// the receiver, as SCTP's window would), so the figure is goodput rather than kernel drops; a
    /// credit that does not come back within 1 s counts as a lost record.</summary>
    [Fact]
    public async Task ThroughputOverLoopbackUdp()
    {
        const int recordSize = 1100;
        const int window = 512;
        const long total = 64L << 20;
        var records = (int)(total / recordSize);
        var (a, b) = UdpDatagramTransport.CreatePair();
        await using (a)
        await using (b)
        {
            var (client, server) = await DtlsTestPeers.ConnectAsync(a, b).Within(Generous);
            await using (client)
            await using (server)
            {
                using var credits = new SemaphoreSlim(window);
                long receivedBytes = 0, receivedRecords = 0, stalls = 0;
                using var idle = new CancellationTokenSource();
                var receiver = Task.Run(async () =>
                {
                    var buffer = new byte[2048];
                    try
                    {
                        while (receivedRecords < records)
                        {
                            idle.CancelAfter(TimeSpan.FromSeconds(3));
                            receivedBytes += await server.ReceiveAsync(buffer, idle.Token);
                            receivedRecords++;
                            credits.Release();
                        }
                    }
                    catch (OperationCanceledException)
                    {
                        // nothing more arriving: the rest was lost
                    }
                    return Stopwatch.GetTimestamp();
                });

                var record = new byte[recordSize];
                Random.Shared.NextBytes(record);
                var start = Stopwatch.GetTimestamp();
                for (var i = 0; i < records; i++)
                {
                    if (!await credits.WaitAsync(TimeSpan.FromSeconds(1))) stalls++;
                    await client.SendAsync(record);
                }
                var end = await receiver.Within(Generous);
                var seconds = Stopwatch.GetElapsedTime(start, end).TotalSeconds;
                if (receivedRecords < records) seconds -= 3; // the idle wait at the end

                const double mib = 1024.0 * 1024.0;
                output.WriteLine(
                    $"DTLS over loopback UDP: {records:N0} records of {recordSize} B ({records * (long)recordSize / mib:0.#} MiB), " +
                    $"window {window}: {receivedBytes / mib / seconds:0.0} MiB/s goodput in {seconds:0.00} s; " +
                    $"{records - receivedRecords:N0} lost ({100.0 * (records - receivedRecords) / records:0.###}%), " +
                    $"{stalls} credit stalls; cipher {client.CipherSuite}");
                Assert.True(receivedRecords > 0);
            }
        }
    }
}
