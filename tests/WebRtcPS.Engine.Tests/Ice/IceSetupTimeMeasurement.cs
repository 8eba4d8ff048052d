using System.Globalization;
using WebRtcPS.Engine.Ice;
using Xunit.Abstractions;

namespace WebRtcPS.Engine.Tests.Ice;

/// <summary>
/// Informational only (no timed assertion): ICE time on loopback, from the first check either
/// agent sent to the controlling agent's selected pair, median of 20 runs, over IPv4 loopback
/// with trickle. Printed to the test output.
/// </summary>
public sealed class IceSetupTimeMeasurement(ITestOutputHelper output)
{
    [Theory]
    [InlineData(50, false)]
    [InlineData(5, false)]
    [InlineData(5, true)]
    public async Task FirstCheckToSelectedPair_Median(int taMilliseconds, bool nominateWithoutPacing)
    {
        const int runs = 20;
        var times = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            var options = IceTestPeer.LoopbackOptions(RTCIceRole.Controlling) with
            {
                EnableIPv6 = false,
                Ta = TimeSpan.FromMilliseconds(taMilliseconds),
                NominateWithoutPacing = nominateWithoutPacing,
            };
            await using var a = new IceTestPeer("a", options);
            await using var b = new IceTestPeer("b", options with { Role = RTCIceRole.Controlled });
            await IceTestPeer.ConnectAsync(a, b);
            await a.WaitConnectedAsync();
            var firstCheck = a.EventsOf<IceCheckSentEvent>().Concat(b.EventsOf<IceCheckSentEvent>()).Min(e => e.Timestamp);
            var selected = a.EventsOf<IceSelectedCandidatePairChangedEvent>()[0].Timestamp;
            times.Add((selected - firstCheck).TotalMilliseconds);
        }
        times.Sort();
        double median = (times[runs / 2 - 1] + times[runs / 2]) / 2;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ICE time, loopback, Ta {taMilliseconds} ms, nominate without pacing {nominateWithoutPacing}: median {median:0.00} ms over {runs} runs (min {times[0]:0.00}, max {times[^1]:0.00})"));
        Assert.Equal(runs, times.Count);
    }
}
