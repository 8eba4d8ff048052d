using System.Buffers.Binary;
using WebRtcPS.Engine.Dtls;

namespace WebRtcPS.Engine.Tests.Dtls;

public class FlightBatcherTests
{
    private static byte[] Record(byte type, ushort epoch, int bodyLength, byte handshakeType = 0, bool lastFragment = true)
    {
        var record = new byte[13 + bodyLength];
        record[0] = type;
        record[1] = 0xfe;
        record[2] = 0xfd;
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(3), epoch);
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(11), (ushort)bodyLength);
        if (type == 22 && bodyLength >= 12)
        {
            var fragment = bodyLength - 12;
            var total = lastFragment ? fragment : fragment * 2;
            record[13] = handshakeType;
            WriteUInt24(record.AsSpan(14), total);
            WriteUInt24(record.AsSpan(19), 0);
            WriteUInt24(record.AsSpan(22), fragment);
        }
        return record;
    }

    private static void WriteUInt24(Span<byte> b, int v)
    {
        b[0] = (byte)(v >> 16);
        b[1] = (byte)(v >> 8);
        b[2] = (byte)v;
    }

    private static (FlightBatcher Batcher, List<byte[]> Sent, DatagramSink Sink) New(int mtu = 1200)
    {
        var sent = new List<byte[]>();
        return (new FlightBatcher(mtu), sent, d => sent.Add(d.ToArray()));
    }

    [Fact]
    public void ServerFlightGoesOutAsOneDatagramAtServerHelloDone()
    {
        var (batcher, sent, sink) = New();
        batcher.Add(Record(22, 0, 100, handshakeType: 2), sink);   // ServerHello
        batcher.Add(Record(22, 0, 400, handshakeType: 11), sink);  // Certificate
        batcher.Add(Record(22, 0, 150, handshakeType: 12), sink);  // ServerKeyExchange
        batcher.Add(Record(22, 0, 50, handshakeType: 13), sink);   // CertificateRequest
        Assert.Empty(sent);
        batcher.Add(Record(22, 0, 12, handshakeType: 14), sink);   // ServerHelloDone
        var datagram = Assert.Single(sent);
        Assert.Equal(5 * 13 + 100 + 400 + 150 + 50 + 12, datagram.Length);
        Assert.Equal(0, batcher.Pending);
        Assert.Equal(1, batcher.CoalescedDatagrams);
    }

    [Fact]
    public void ChangeCipherSpecAndEncryptedFinishedShareADatagram()
    {
        var (batcher, sent, sink) = New();
        batcher.Add(Record(20, 0, 1), sink);
        Assert.Empty(sent);
        batcher.Add(Record(22, 1, 40), sink);
        Assert.Equal(14 + 53, Assert.Single(sent).Length);
    }

    [Fact]
    public void FlushesBeforeOverflowingTheMtu()
    {
        var (batcher, sent, sink) = New(mtu: 500);
        batcher.Add(Record(22, 0, 300, handshakeType: 2), sink);
        batcher.Add(Record(22, 0, 300, handshakeType: 11), sink);
        Assert.Single(sent);
        batcher.Flush(sink);
        Assert.Equal(2, sent.Count);
        Assert.All(sent, d => Assert.True(d.Length <= 500));
    }

    [Fact]
    public void IntermediateFragmentDoesNotEndTheFlight()
    {
        var (batcher, sent, sink) = New();
        batcher.Add(Record(22, 0, 200, handshakeType: 1, lastFragment: false), sink);
        Assert.Empty(sent);
        batcher.Add(Record(22, 0, 200, handshakeType: 1), sink);
        Assert.Single(sent);
    }

    [Fact]
    public void ApplicationDataPassesStraightThrough()
    {
        var (batcher, sent, sink) = New();
        var record = Record(23, 1, 1000);
        batcher.Add(record, sink);
        Assert.Equal(record, Assert.Single(sent));
        Assert.Equal(0, batcher.CoalescedDatagrams);
    }

    [Fact]
    public void OversizeRecordIsSentAlone()
    {
        var (batcher, sent, sink) = New(mtu: 100);
        batcher.Add(Record(22, 0, 20, handshakeType: 2), sink);
        batcher.Add(Record(22, 0, 200, handshakeType: 11), sink);
        Assert.Equal(2, sent.Count);
        Assert.Equal(213, sent[1].Length);
    }
}

public class DtlsRecordFilterTests
{
    private static byte[] Record(ushort epoch, int bodyLength)
    {
        var r = new byte[13 + bodyLength];
        r[0] = 23;
        BinaryPrimitives.WriteUInt16BigEndian(r.AsSpan(3), epoch);
        BinaryPrimitives.WriteUInt16BigEndian(r.AsSpan(11), (ushort)bodyLength);
        return r;
    }

    [Fact]
    public void ShortEncryptedRecordIsRejected()
    {
        Assert.False(DtlsRecordFilter.IsAcceptable(Record(1, 23)));
        Assert.True(DtlsRecordFilter.IsAcceptable(Record(1, 24)));
        Assert.True(DtlsRecordFilter.IsAcceptable(Record(0, 1)));
    }

    [Fact]
    public void EveryRecordInTheDatagramIsChecked()
    {
        Assert.False(DtlsRecordFilter.IsAcceptable([.. Record(0, 1), .. Record(1, 5)]));
        Assert.True(DtlsRecordFilter.IsAcceptable([.. Record(0, 1), .. Record(1, 40)]));
    }
}
