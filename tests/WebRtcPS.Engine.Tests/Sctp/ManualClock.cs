namespace WebRtcPS.Engine.Tests.Sctp;

/// <summary>A TimeProvider whose time only moves when the test says so (for driving the
/// association core directly; the core only reads timestamps, it never creates timers).</summary>
internal sealed class ManualClock : TimeProvider
{
    private long _ticks = 1_000_000;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    public override long GetTimestamp() => _ticks;
    public void Advance(TimeSpan by) => _ticks += by.Ticks;
}
