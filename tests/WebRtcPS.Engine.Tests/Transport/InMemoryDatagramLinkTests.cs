using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Engine.Tests.Transport;

public class InMemoryDatagramLinkTests
{
    [Fact]
    public async Task DeliversInOrderWithoutImpairment()
    {
        var link = new InMemoryDatagramLink();
        for (byte i = 0; i < 10; i++) await link.A.SendAsync(new[] { i });
        var buf = new byte[16];
        for (byte i = 0; i < 10; i++)
        {
            Assert.Equal(1, await link.B.ReceiveAsync(buf));
            Assert.Equal(i, buf[0]);
        }
    }

    [Fact]
    public async Task LossIsSeededAndReproducible()
    {
        static async Task<long> DroppedWith(int seed)
        {
            var link = new InMemoryDatagramLink(seed, new LinkImpairment { LossRate = 0.1 });
            for (var i = 0; i < 1000; i++) await link.A.SendAsync(new byte[1]);
            return link.A.Dropped;
        }
        var first = await DroppedWith(42);
        Assert.Equal(first, await DroppedWith(42));
        Assert.InRange(first, 50, 150);
    }
}
