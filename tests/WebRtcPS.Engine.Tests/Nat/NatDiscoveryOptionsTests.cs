using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.Nat;

namespace WebRtcPS.Engine.Tests.Nat;

public sealed class NatDiscoveryOptionsTests
{
    private static NatDiscoveryOptions Options(double timeoutSeconds) =>
        new() { StunServer = IceServerUri.Parse("stun:198.51.100.1"), Timeout = TimeSpan.FromSeconds(timeoutSeconds) };

    /// <summary>RFC 8489 §6.2.1's doubling RTO from 500 ms, cut to the timeout.</summary>
    [Theory]
    [InlineData(3, new[] { 0, 500, 1500 }, 3000)]
    [InlineData(1, new[] { 0, 500 }, 1000)]
    [InlineData(2, new[] { 0, 500, 1500 }, 2000)]
    [InlineData(10, new[] { 0, 500, 1500, 3500, 7500 }, 10000)]
    [InlineData(0.3, new[] { 0 }, 500)]
    public void TransactionSchedule_FitsTheTimeout(double timeoutSeconds, int[] sendsMs, int timeoutMs)
    {
        var (sends, timeout) = Options(timeoutSeconds).TransactionOptions().Schedule();
        Assert.Equal(sendsMs, sends.Select(s => (int)s.TotalMilliseconds));
        Assert.Equal(timeoutMs, (int)timeout.TotalMilliseconds);
    }

    [Fact]
    public void Validate_WantsAStunUriAndRealPorts()
    {
        Assert.Equal([3478, 5349], Options(3).Validate().TurnPorts);
        Assert.Throws<ArgumentException>(() => (Options(3) with { StunServer = IceServerUri.Parse("turn:198.51.100.1") }).Validate());
        Assert.Throws<ArgumentException>(() => (Options(3) with { StunServer = IceServerUri.Parse("stuns:198.51.100.1") }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => (Options(3) with { TurnPorts = [3478, 0] }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => (Options(3) with { TurnPorts = [70000] }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => Options(0).Validate());
    }
}
