using WebRtcPS.Engine.Dtls;

namespace WebRtcPS.Engine.Tests.Dtls;

/// <summary>RFC 6347 §4.1.2.6: a 64-record sliding window.</summary>
public class DtlsReplayWindowTests
{
    [Fact]
    public void AcceptsEachNumberOnceInAnyOrderWithinTheWindow()
    {
        var window = new DtlsReplayWindow();
        foreach (var n in new ulong[] { 5, 3, 10, 4, 9 })
        {
            Assert.True(window.MayAccept(n));
            window.Mark(n);
            Assert.False(window.MayAccept(n));
        }
        Assert.True(window.MayAccept(6));
        Assert.True(window.MayAccept(11));
    }

    [Fact]
    public void RejectsWhatFellBehindTheWindow()
    {
        var window = new DtlsReplayWindow();
        window.Mark(1);
        window.Mark(100);
        Assert.False(window.MayAccept(36));   // 100 - 64
        Assert.True(window.MayAccept(37));
        Assert.False(window.MayAccept(1));
        window.Mark(1000);   // a jump wider than the window forgets the rest
        Assert.True(window.MayAccept(999));
        Assert.False(window.MayAccept(100));
    }
}
