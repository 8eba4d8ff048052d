using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using WebRtcPS.Engine.Stun;
using WebRtcPS.Engine.Stun.Attributes;
using WebRtcPS.Engine.Turn;
using Xunit.Abstractions;

namespace WebRtcPS.Engine.Tests.Turn;

public sealed class TurnClientRobustnessTests(CoturnFixture fixture, ITestOutputHelper output) : IClassFixture<CoturnFixture>
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    /// <summary>Whatever arrives from the server side (garbage, truncated STUN, unknown channels,
    /// unsolicited responses, Data indications without attributes) is dropped and counted, never thrown.</summary>
    [SkippableFact]
    public async Task ReceivedGarbageNeverThrowsAndIsCounted()
    {
        var server = fixture.Require();
        await using var client = await TurnClient.AllocateAsync(server.Options(server.UdpUri)).WaitAsync(Generous);
        var random = new Random(5766);
        var frame = new byte[120];
        for (int i = 0; i < 20000; i++)
        {
            random.NextBytes(frame);
            int length = random.Next(frame.Length + 1);
            switch (i % 4)
            {
                case 0: frame[0] = (byte)(0x40 | (frame[0] & 0x3F)); break; // ChannelData-looking
                case 1: // STUN-looking header with a plausible length and the magic cookie
                    frame[0] &= 0x3F;
                    if (length >= 20)
                    {
                        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)((length - 20) & ~3));
                        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), StunMessage.MagicCookie);
                    }
                    break;
            }
            client.HandleFrame(frame.AsSpan(0, length).ToArray());
        }
        // A Data indication without DATA, one without XOR-PEER-ADDRESS, and a stray response.
        var noData = new StunMessageBuilder(new StunMessageType(StunMethod.Data, StunClass.Indication), StunTransactionId.NewId());
        noData.AddXorAddress(new XorPeerAddress(new IPEndPoint(IPAddress.Loopback, 1)));
        client.HandleFrame(noData.ToArray());
        var noPeer = new StunMessageBuilder(new StunMessageType(StunMethod.Data, StunClass.Indication), StunTransactionId.NewId());
        noPeer.Add(new Data(new byte[] { 1 }));
        client.HandleFrame(noPeer.ToArray());
        client.HandleFrame(new StunMessageBuilder(new StunMessageType(StunMethod.Allocate, StunClass.SuccessResponse), StunTransactionId.NewId()).ToArray());
        output.WriteLine($"dropped {client.DroppedPackets}, stray responses {client.StrayResponses}");
        Assert.True(client.DroppedPackets > 10000);
        Assert.True(client.StrayResponses >= 1);
        Assert.True(client.IsActive);

        // A well-formed Data indication is delivered.
        var good = new StunMessageBuilder(new StunMessageType(StunMethod.Data, StunClass.Indication), StunTransactionId.NewId());
        good.AddXorAddress(new XorPeerAddress(new IPEndPoint(IPAddress.Loopback, 4242)));
        good.Add(new Data(new byte[] { 7, 7 }));
        client.HandleFrame(good.ToArray());
        var buffer = new byte[1500];
        TurnReceiveResult got;
        do
        {
            got = await client.ReceiveFromAsync(buffer).AsTask().WaitAsync(Generous);
        }
        while (got.Peer.Port != 4242);
        Assert.Equal(2, got.Length);
        await client.RefreshAsync().WaitAsync(Generous);
    }

    /// <summary>Relayed between two allocations, 512 numbered packets all arrive intact, from the
    /// peer's relayed address (a's channel to b). Windows of 16 (16 × 1,244 bytes stay under the 32 KiB
    /// coturn queues for a stream client before dropping, see TurnStreamBurstTests); what a window
    /// loses on UDP is sent again, so loss costs time, never the verdict. Throughput is printed.</summary>
    [SkippableTheory]
    [InlineData("udp")]
    [InlineData("tcp")]
    [InlineData("tls")]
    public async Task RelaysEveryPacketIntact(string transport)
    {
        var server = fixture.Require();
        var uri = transport switch { "udp" => server.UdpUri, "tcp" => server.TcpUri, _ => server.TlsUri };
        await using var a = await TurnClient.AllocateAsync(server.Options(uri)).WaitAsync(Generous);
        await using var b = await TurnClient.AllocateAsync(server.Options(uri)).WaitAsync(Generous);
        await b.CreatePermissionAsync(a.RelayedAddress.Address).WaitAsync(Generous);
        await a.BindChannelAsync(b.RelayedAddress).WaitAsync(Generous);

        const int Count = 512, Window = 16, Size = 1200;
        static byte[] PacketFor(int seq)
        {
            var packet = new byte[Size];
            new Random(seq).NextBytes(packet);
            BinaryPrimitives.WriteInt32BigEndian(packet, seq);
            return packet;
        }
        var arrived = new bool[Count];
        int distinct = 0, resent = 0;
        var buffer = new byte[1500];
        var watch = Stopwatch.StartNew();
        using var deadline = new CancellationTokenSource(Generous);
        for (int first = 0; first < Count; first += Window)
        {
            int last = Math.Min(first + Window, Count);
            for (int attempt = 0; Enumerable.Range(first, last - first).Any(i => !arrived[i]); attempt++)
            {
                deadline.Token.ThrowIfCancellationRequested();
                for (int i = first; i < last; i++)
                {
                    if (arrived[i]) continue;
                    if (attempt > 0) resent++;
                    await a.SendToAsync(PacketFor(i), b.RelayedAddress).AsTask().WaitAsync(Generous);
                }
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
                wait.CancelAfter(TimeSpan.FromSeconds(1));
                try
                {
                    while (Enumerable.Range(first, last - first).Any(i => !arrived[i]))
                    {
                        var got = await b.ReceiveFromAsync(buffer, wait.Token);
                        Assert.Equal(a.RelayedAddress, got.Peer);
                        Assert.Equal(Size, got.Length);
                        int seq = BinaryPrimitives.ReadInt32BigEndian(buffer);
                        Assert.InRange(seq, 0, Count - 1);
                        Assert.Equal(PacketFor(seq), buffer[..got.Length]);
                        if (!arrived[seq]) { arrived[seq] = true; distinct++; }
                    }
                }
                catch (OperationCanceledException) when (!deadline.IsCancellationRequested)
                {
                    // Lost on the way (UDP): the window's missing packets go again.
                }
            }
        }
        watch.Stop();
        double mbit = Count * Size * 8 / watch.Elapsed.TotalSeconds / 1e6;
        output.WriteLine($"{transport}: {Count} packets of {Size} bytes relayed in {watch.Elapsed.TotalSeconds:0.00} s: {mbit:0.0} Mbit/s ({resent} sent again, window {Window})");
        Assert.Equal(Count, distinct);
        Assert.Equal(0, b.DroppedPackets);
    }
}
