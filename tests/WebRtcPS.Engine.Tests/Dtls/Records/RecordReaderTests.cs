using WebRtcPS.Engine.Dtls;

namespace WebRtcPS.Engine.Tests.Dtls;

public class RecordReaderTests
{
    // A server's last flight in one datagram (RFC 6347 §4.1): ChangeCipherSpec (epoch 0), an
    // encrypted Finished (epoch 1, 40 bytes: 8 nonce + 16 body + 16 tag) and application data.
    private static byte[] ThreeRecords(out byte[] finished, out byte[] data)
    {
        finished = Enumerable.Range(0, 40).Select(i => (byte)i).ToArray();
        data = Enumerable.Range(0, 30).Select(i => (byte)(0xA0 + i)).ToArray();
        return
        [
            .. Convert.FromHexString("14FEFD" + "0000" + "000000000005" + "0001" + "01"),
            .. Convert.FromHexString("16FEFD" + "0001" + "000000000000" + "0028"), .. finished,
            .. Convert.FromHexString("17FEFD" + "0001" + "000000000001" + "001E"), .. data,
        ];
    }

    [Fact]
    public void SplitsThreeRecords()
    {
        var datagram = ThreeRecords(out var finished, out var data);
        var reader = new DtlsRecordReader(datagram);

        Assert.True(reader.TryReadNext(out var header, out var fragment, out var whole));
        Assert.Equal(new DtlsRecordHeader(DtlsContentType.ChangeCipherSpec, 0xFEFD, 0, 5, 1), header);
        Assert.Equal(new byte[] { 1 }, fragment.ToArray());
        Assert.Equal(datagram.AsSpan(0, 14).ToArray(), whole.ToArray());

        Assert.True(reader.TryReadNext(out header, out fragment, out whole));
        Assert.Equal(new DtlsRecordHeader(DtlsContentType.Handshake, 0xFEFD, 1, 0, 40), header);
        Assert.Equal(finished, fragment.ToArray());
        Assert.Equal(datagram.AsSpan(14, 53).ToArray(), whole.ToArray());

        Assert.True(reader.TryReadNext(out header, out fragment, out whole));
        Assert.Equal(new DtlsRecordHeader(DtlsContentType.ApplicationData, 0xFEFD, 1, 1, 30), header);
        Assert.Equal(data, fragment.ToArray());
        Assert.Equal(datagram.AsSpan(67).ToArray(), whole.ToArray());

        Assert.False(reader.TryReadNext(out _, out _, out _));
        Assert.False(reader.Malformed);
        Assert.False(reader.TryReadNext(out _, out _, out _));
    }

    [Fact]
    public void EmptyDatagramHasNoRecordsAndIsNotMalformed()
    {
        var reader = new DtlsRecordReader([]);
        Assert.False(reader.TryReadNext(out _, out _, out _));
        Assert.False(reader.Malformed);
    }

    [Fact]
    public void EmptyFragmentIsARecord()
    {
        var reader = new DtlsRecordReader(Convert.FromHexString("17FEFD00010000000000090000"));
        Assert.True(reader.TryReadNext(out var header, out var fragment, out var whole));
        Assert.Equal(0, header.Length);
        Assert.True(fragment.IsEmpty);
        Assert.Equal(DtlsRecordHeader.Size, whole.Length);
        Assert.False(reader.TryReadNext(out _, out _, out _));
        Assert.False(reader.Malformed);
    }

    [Fact]
    public void LengthRunningPastTheEndStopsAfterTheGoodRecords()
    {
        var datagram = ThreeRecords(out _, out _);
        datagram[67 + 12] = 0x1F; // the last record claims 31 bytes, 30 are there
        var reader = new DtlsRecordReader(datagram);
        Assert.True(reader.TryReadNext(out _, out _, out _));
        Assert.True(reader.TryReadNext(out _, out _, out _));
        Assert.False(reader.TryReadNext(out var header, out var fragment, out var whole));
        Assert.Equal(default, header);
        Assert.True(fragment.IsEmpty && whole.IsEmpty);
        Assert.True(reader.Malformed);
        Assert.False(reader.TryReadNext(out _, out _, out _));
    }

    [Fact]
    public void BadHeaderDiscardsTheRestOfTheDatagram()
    {
        var datagram = ThreeRecords(out _, out _);
        datagram[14] = 99; // the second record's content type
        var reader = new DtlsRecordReader(datagram);
        Assert.True(reader.TryReadNext(out _, out _, out _));
        Assert.False(reader.TryReadNext(out _, out _, out _));
        Assert.True(reader.Malformed);
    }

    [Fact]
    public void EveryTruncationYieldsOnlyWholeRecords()
    {
        var datagram = ThreeRecords(out _, out _);
        int[] boundaries = [0, 14, 67, datagram.Length];
        for (var length = 0; length <= datagram.Length; length++)
        {
            var reader = new DtlsRecordReader(datagram.AsSpan(0, length));
            var records = 0;
            var consumed = 0;
            while (reader.TryReadNext(out _, out _, out var whole))
            {
                records++;
                consumed += whole.Length;
            }
            Assert.Equal(Array.IndexOf(boundaries, consumed), records);
            Assert.Equal(!boundaries.Contains(length), reader.Malformed);
        }
    }

    [Fact]
    public void RandomDatagramsNeverThrow()
    {
        var random = new Random(4121);
        var buffer = new byte[64];
        for (var i = 0; i < 10_000; i++)
        {
            random.NextBytes(buffer);
            buffer[0] = (byte)random.Next(20, 24);
            var reader = new DtlsRecordReader(buffer.AsSpan(0, random.Next(buffer.Length + 1)));
            while (reader.TryReadNext(out var header, out var fragment, out var whole))
                Assert.Equal(header.Length, fragment.Length);
        }
    }
}
