using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Engine.Tests.Transport;

public class DatagramBatchTests
{
    [Fact]
    public void KeepsDatagramsBackToBackInOrder()
    {
        var batch = new DatagramBatch(4);
        batch.Add([1, 2, 3]);
        batch.Add([]);
        batch.Add([4, 5]);
        Assert.Equal(3, batch.Count);
        Assert.Equal(5, batch.TotalLength);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, batch.Buffer.ToArray());
        Assert.Equal(new byte[] { 1, 2, 3 }, batch[0].ToArray());
        Assert.Empty(batch[1].ToArray());
        Assert.Equal(new byte[] { 4, 5 }, batch[2].ToArray());
        Assert.Equal(3, batch.OffsetOf(2));
        Assert.Equal(2, batch.LengthAt(2));
    }

    [Fact]
    public void ReserveWritesInPlaceAndCommitTakesTheRealLength()
    {
        var batch = new DatagramBatch(8);
        batch.Add([9]);
        var room = batch.Reserve(100);   // grows the buffer, keeps what was there
        room[0] = 7;
        room[1] = 8;
        batch.Commit(2);
        Assert.Equal(new byte[] { 9, 7, 8 }, batch.Buffer.ToArray());
        Assert.Throws<InvalidOperationException>(() => batch.Commit(0));
        batch.Reserve(4);
        Assert.Throws<ArgumentOutOfRangeException>(() => batch.Commit(5));
    }

    [Fact]
    public void ClearEmptiesAndManyDatagramsFit()
    {
        var batch = new DatagramBatch(16);
        for (var i = 0; i < 200; i++) batch.Add([(byte)i, (byte)i]);
        Assert.Equal(200, batch.Count);
        Assert.Equal((byte)199, batch[199].Span[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => batch[200]);
        batch.Clear();
        Assert.Equal(0, batch.Count);
        Assert.Equal(0, batch.TotalLength);
        Assert.Throws<ArgumentOutOfRangeException>(() => batch[0]);
    }

    [Fact]
    public async Task DefaultSendBatchSendsEachDatagramInOrder()
    {
        var link = new InMemoryDatagramLink();
        var batch = new DatagramBatch();
        for (byte i = 0; i < 5; i++) batch.Add(new byte[] { i, i });
        await ((IDatagramTransport)link.A).SendBatchAsync(batch);
        var buffer = new byte[16];
        for (byte i = 0; i < 5; i++)
        {
            Assert.Equal(2, await link.B.ReceiveAsync(buffer));
            Assert.Equal(i, buffer[0]);
        }
    }
}
