using System.Reflection;
using System.Security.Cryptography;
using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.Transport;
using BcDtlsTransport = Org.BouncyCastle.Tls.DtlsTransport;

namespace WebRtcPS.Engine.Tests.Dtls;

/// <summary>The adapter's two guards after the handshake (BlockingDatagramAdapter.Guards.cs), each
/// with the inline receive and with the blocking loop.</summary>
public class DtlsGuardTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    /// <summary>What a lower transport sent, with a datagram size of its own choosing.</summary>
    private sealed class Recording(IDatagramTransport inner, int? maxDatagramSize = null) : IDatagramTransport
    {
        private readonly List<byte[]> _sent = [];

        public int MaxDatagramSize => maxDatagramSize ?? inner.MaxDatagramSize;

        public byte[][] Sent
        {
            get { lock (_sent) return [.. _sent]; }
        }

        public void Clear()
        {
            lock (_sent) _sent.Clear();
        }

        public ValueTask SendAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken = default)
        {
            lock (_sent) _sent.Add(datagram.ToArray());
            return inner.SendAsync(datagram, cancellationToken);
        }

        public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.ReceiveAsync(buffer, cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    private static async Task<(DtlsTransport Client, DtlsTransport Server)> ConnectAsync(IDatagramTransport a, IDatagramTransport b, bool inline)
    {
        var server = DtlsTransport.StartAsync(inline ? new PushingTransport(b) : b, DtlsTestPeers.Parameters(DtlsRole.Server) with { InlineReceive = inline });
        var client = DtlsTransport.StartAsync(inline ? new PushingTransport(a) : a, DtlsTestPeers.Parameters(DtlsRole.Client) with { InlineReceive = inline });
        return (await client.Within(Generous), await server.Within(Generous));
    }

    private static async Task<byte[]> ReceiveAsync(DtlsTransport t, int size = 20_000)
    {
        var buffer = new byte[size];
        var n = await t.ReceiveAsync(buffer).AsTask().Within(Generous);
        return buffer[..n];
    }

    // BouncyCastle's record layer of our transport, and its private epochs (reflection: the window
    // below is BouncyCastle's own state, which no public call reaches on demand).
    private static object RecordLayer(DtlsTransport t)
    {
        var bc = (BcDtlsTransport)typeof(DtlsTransport).GetField("_bc", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(t)!;
        return typeof(BcDtlsTransport).GetField("m_recordLayer", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(bc)!;
    }

    private static object? Field(object layer, string name) =>
        layer.GetType().GetField(name, BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(layer);

    private static int EpochOf(object epoch) =>
        (int)epoch.GetType().GetProperty("Epoch", BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Instance)!.GetValue(epoch)!;

    private static bool Contains(byte[] datagram, byte[] secret) => datagram.AsSpan().IndexOf(secret) >= 0;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AMessageSentWhileBouncyCastleResendsItsFinalFlightNeverLeavesInPlaintext(bool inline)
    {
        var link = new InMemoryDatagramLink();
        var serverSide = new Recording(link.B);
        var (client, server) = await ConnectAsync(link.A, serverSide, inline);
        await using (client)
        await using (server)
        {
            // The server sent the last flight and keeps it for a retransmitted client flight until
            // the client's first application record (RFC 6347 §4.2.4). Such a retransmission makes
            // BouncyCastle reset its write epoch to 0 and re-send the flight, on the receiving
            // thread; this puts the record layer in that window.
            var layer = RecordLayer(server);
            Assert.NotNull(Field(layer, "m_retransmitEpoch"));
            layer.GetType().GetMethod("ResetWriteEpoch", BindingFlags.NonPublic | BindingFlags.Instance)!.Invoke(layer, null);
            Assert.Equal(0, EpochOf(Field(layer, "m_writeEpoch")!));

            var secret = "secret application data, never in plaintext"u8.ToArray();
            serverSide.Clear();
            await server.SendAsync(secret);

            // The resent Finished moves the epoch forward again (BouncyCastle does it; here the test).
            layer.GetType().GetField("m_writeEpoch", BindingFlags.NonPublic | BindingFlags.Instance)!.SetValue(layer, Field(layer, "m_currentEpoch"));
            await server.SendAsync("after the window"u8.ToArray());
            Assert.Equal("after the window"u8.ToArray(), await ReceiveAsync(client));
            await client.SendAsync("both ways"u8.ToArray());
            Assert.Equal("both ways"u8.ToArray(), await ReceiveAsync(server));
            // (Unguarded, the secret left as an epoch-0 "handshake" record with the next datagram:
            // the flight batcher holds handshake records until a flight ends.)
            Assert.DoesNotContain(serverSide.Sent, d => Contains(d, secret));
            Assert.Equal(1, server.MisframedRecordsDropped);
            Assert.Equal(0, client.MisframedRecordsDropped);
            Assert.Equal(RTCDtlsTransportState.Connected, server.State);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task APeerRecordLargerThanOurPathsDatagramsIsDecryptedNotFatal(bool inline)
    {
        // The client's path carries 16 KiB datagrams (a plain DTLS peer on loopback); ours 1,200 bytes,
        // so our buffer per record is the 2,048-byte minimum.
        var link = new InMemoryDatagramLink(mtu: 16_384);
        var (client, server) = await ConnectAsync(link.A, new Recording(link.B, maxDatagramSize: 1200), inline);
        await using (client)
        await using (server)
        {
            var large = RandomNumberGenerator.GetBytes(6000);
            await client.SendAsync(large);
            Assert.Equal(large, await ReceiveAsync(server));
            var small = "and a small one after it"u8.ToArray();
            await client.SendAsync(small);
            Assert.Equal(small, await ReceiveAsync(server));
            var larger = RandomNumberGenerator.GetBytes(12_000);
            await client.SendAsync(larger);
            Assert.Equal(larger, await ReceiveAsync(server));
            Assert.Equal(RTCDtlsTransportState.Connected, server.State);
            Assert.Equal(0, server.DatagramsIgnored);
            Assert.Equal(inline, server.IsInline);
        }
    }

    [Theory]
    [InlineData(new byte[] { 23, 254, 253, 0, 1 }, true)]    // application_data, epoch 1
    [InlineData(new byte[] { 21, 254, 253, 0, 1 }, true)]    // alert (close_notify)
    [InlineData(new byte[] { 21, 254, 253, 0, 0 }, true)]    // alert in epoch 0
    [InlineData(new byte[] { 23, 254, 253, 0, 0 }, false)]   // application_data in epoch 0: plaintext
    [InlineData(new byte[] { 22, 254, 253, 0, 0 }, false)]   // "handshake" in epoch 0: BouncyCastle's window
    [InlineData(new byte[] { 22, 254, 253, 0, 1 }, false)]
    [InlineData(new byte[] { 20, 254, 253, 0, 0 }, false)]   // change_cipher_spec
    public void OnlyApplicationDataPastEpochZeroOrAnAlertIsAnApplicationRecord(byte[] header, bool expected)
    {
        var record = new byte[13 + 30];
        header.CopyTo(record, 0);
        Assert.Equal(expected, BlockingDatagramAdapter.IsApplicationRecord(record));
        Assert.False(BlockingDatagramAdapter.IsApplicationRecord(record.AsSpan(0, 12)));
    }

    [Fact]
    public void TheLargestRecordBodyBoundsThePlaintextOfEveryRecordInADatagram()
    {
        static byte[] Record(int body)
        {
            var r = new byte[13 + body];
            r[0] = 23;
            r[11] = (byte)(body >> 8);
            r[12] = (byte)body;
            return r;
        }
        Assert.Equal(0, BlockingDatagramAdapter.LargestRecordBody([]));
        Assert.Equal(100, BlockingDatagramAdapter.LargestRecordBody(Record(100)));
        Assert.Equal(3000, BlockingDatagramAdapter.LargestRecordBody([.. Record(100), .. Record(3000), .. Record(50)]));
        // A truncated last record counts with the bytes that are there, not its claimed length.
        Assert.Equal(40, BlockingDatagramAdapter.LargestRecordBody(Record(5000).AsSpan(0, 13 + 40)));
    }
}
