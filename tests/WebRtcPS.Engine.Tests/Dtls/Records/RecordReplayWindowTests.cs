using WebRtcPS.Engine.Dtls;

namespace WebRtcPS.Engine.Tests.Dtls;

public class RecordReplayWindowTests
{
    private static bool Receive(DtlsReplayWindow window, long sequence)
    {
        if (!window.IsFresh(sequence)) return false;
        window.Accept(sequence);
        return true;
    }

    [Fact]
    public void SequenceZeroIsFreshOnceOnly()
    {
        var window = new DtlsReplayWindow();
        Assert.True(window.IsFresh(0));
        Assert.True(window.IsFresh(0)); // IsFresh does not record
        window.Accept(0);
        Assert.False(window.IsFresh(0));
    }

    [Fact]
    public void InOrderRecordsAreAllFreshAndThenDuplicates()
    {
        var window = new DtlsReplayWindow();
        for (long i = 0; i < 200; i++) Assert.True(Receive(window, i));
        for (long i = 200 - DtlsReplayWindow.Size; i < 200; i++) Assert.False(window.IsFresh(i));
        Assert.True(window.IsFresh(200));
    }

    [Fact]
    public void ReorderedWithinTheWindowAreFresh()
    {
        var window = new DtlsReplayWindow();
        Assert.True(Receive(window, 100));
        Assert.True(Receive(window, 98));
        Assert.True(Receive(window, 101));
        Assert.True(Receive(window, 99));
        Assert.True(Receive(window, 38)); // 63 behind 101: the window's left edge
        Assert.False(Receive(window, 98));
        Assert.False(Receive(window, 38));
        Assert.False(window.IsFresh(37));
        for (long i = 39; i < 98; i++) Assert.True(window.IsFresh(i));
    }

    [Fact]
    public void TooOldIsRejected()
    {
        var window = new DtlsReplayWindow();
        window.Accept(1000);
        Assert.True(window.IsFresh(1000 - 63));
        Assert.False(window.IsFresh(1000 - 64));
        Assert.False(window.IsFresh(0));
        window.Accept(1000 - 64); // below the window: no effect, no throw
        Assert.True(window.IsFresh(1000 - 63));
    }

    [Fact]
    public void JumpAheadBy1000SlidesTheWholeWindow()
    {
        var window = new DtlsReplayWindow();
        for (long i = 0; i < 10; i++) window.Accept(i);
        window.Accept(1009);
        Assert.False(window.IsFresh(1009));
        Assert.False(window.IsFresh(9)); // now far too old
        for (long i = 1009 - 63; i < 1009; i++) Assert.True(window.IsFresh(i)); // old bits did not survive
        Assert.True(window.IsFresh(1010));
    }

    [Fact]
    public void ShiftOfExactlySixtyFourKeepsOnlyTheNewNumber()
    {
        var window = new DtlsReplayWindow();
        window.Accept(0);
        window.Accept(64);
        Assert.False(window.IsFresh(0));
        Assert.False(window.IsFresh(64));
        for (long i = 1; i < 64; i++) Assert.True(window.IsFresh(i));
    }

    [Fact]
    public void ShiftKeepsBitsThatStayInTheWindow()
    {
        var window = new DtlsReplayWindow();
        window.Accept(10);
        window.Accept(12);
        window.Accept(73); // 10 is now 63 behind: still inside
        Assert.False(window.IsFresh(10));
        Assert.False(window.IsFresh(12));
        Assert.True(window.IsFresh(11));
        window.Accept(74); // 10 falls off the left edge
        Assert.False(window.IsFresh(10));
        Assert.True(window.IsFresh(11));
        Assert.False(window.IsFresh(12));
    }

    [Fact]
    public void WorksNearTwoToTheFortyEight()
    {
        const long max = DtlsRecordHeader.MaxSequenceNumber;
        var window = new DtlsReplayWindow();
        Assert.True(Receive(window, max - 100));
        Assert.True(Receive(window, max - 1));
        Assert.True(Receive(window, max - 2));
        Assert.True(Receive(window, max));
        Assert.False(Receive(window, max));
        Assert.False(Receive(window, max - 1));
        Assert.True(window.IsFresh(max - 63));
        Assert.False(window.IsFresh(max - 64));
        Assert.False(window.IsFresh(max - 100));
        Assert.False(window.IsFresh(max + 1)); // not a 48-bit sequence number
        Assert.False(window.IsFresh(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => window.Accept(max + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => window.Accept(-1));
    }

    // Against a set-based model: fresh = not seen and greater than (highest - 64).
    [Fact]
    public void AgreesWithASetModelOnRandomTraffic()
    {
        var random = new Random(4303);
        var window = new DtlsReplayWindow();
        var seen = new HashSet<long>();
        long highest = -1, next = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var sequence = Math.Max(0, next + random.Next(-80, 8));
            next += random.Next(0, 3);
            var expected = !seen.Contains(sequence) && sequence > highest - DtlsReplayWindow.Size;
            Assert.Equal(expected, window.IsFresh(sequence));
            if (expected && random.Next(4) != 0) // some fresh records fail authentication: not accepted
            {
                window.Accept(sequence);
                seen.Add(sequence);
                highest = Math.Max(highest, sequence);
            }
        }
    }
}
