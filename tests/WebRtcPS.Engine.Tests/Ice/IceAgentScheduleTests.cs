using System.Net;
using WebRtcPS.Engine.Ice;

namespace WebRtcPS.Engine.Tests.Ice;

/// <summary>Exact timing on a manual clock: the agent's loop is given each tick, then a barrier
/// (a diagnostics request, queued behind the tick) proves the loop has handled it.</summary>
public sealed class IceAgentScheduleTests
{
    private static async Task AdvanceAsync(ManualTimeProvider time, IceAgent agent, TimeSpan total)
    {
        for (var t = TimeSpan.Zero; t < total; t += TimeSpan.FromMilliseconds(1))
        {
            time.Advance(TimeSpan.FromMilliseconds(1));
            await agent.GetDiagnosticsAsync();
        }
    }

    private static async Task<List<IceEvent>> DrainAsync(IceAgent agent)
    {
        var events = new List<IceEvent>();
        while (agent.Events.TryRead(out var e)) events.Add(e);
        await Task.Yield();
        return events;
    }

    [Fact]
    public async Task ChecksArePacedByTa_AndRetransmittedOnADoublingRto()
    {
        var time = new ManualTimeProvider();
        var net = new VirtualIceNetwork();
        net.Blackhole(IPAddress.Parse("198.18.0.2"));
        var options = new IceAgentOptions
        {
            Ta = TimeSpan.FromMilliseconds(50),
            CheckRto = TimeSpan.FromMilliseconds(100),
            MaxCheckRto = TimeSpan.FromMilliseconds(400),
            MaxCheckRequests = 5,
        };
        await using var agent = new IceAgent(options, net.CreateHost(IPAddress.Parse("198.18.0.1")), time);
        agent.StartGathering();
        // The candidates first (held until the credentials come, RFC 8838 §8), so that the three
        // pairs are formed by one input: the loop runs on the posting thread, and a candidate
        // added alone is checked at once (with an RTO for one pair).
        for (int i = 0; i < 3; i++)
            agent.AddRemoteCandidate(RTCIceCandidate.Parse($"candidate:{i} 1 udp {2130706431 - i} 198.18.0.2 {4000 + i} typ host"));
        agent.AddRemoteEndOfCandidates();
        agent.SetRemoteParameters(RTCIceParameters.Generate());
        await agent.GetDiagnosticsAsync();

        await AdvanceAsync(time, agent, TimeSpan.FromMilliseconds(2000));
        var events = await DrainAsync(agent);
        var sent = events.OfType<IceCheckSentEvent>().ToList();

        // New checks one Ta apart, best pair first (RFC 8445 §6.1.4.2).
        var firsts = sent.Where(e => e.Attempt == 1).ToList();
        Assert.Equal([4000, 4001, 4002], firsts.Select(e => e.Pair.Remote.Port));
        Assert.Equal([0, 50, 100], firsts.Select(e => (int)e.Elapsed.TotalMilliseconds));
        // RTO = max(CheckRto, Ta × pairs waiting or in progress) = 3 × 50 = 150 ms (RFC 8445
        // §14.3), doubling to the 400 ms cap; after the last request, one more RTO.
        var retransmits = sent.Where(e => e.Pair.Remote.Port == 4000).Select(e => (int)e.Elapsed.TotalMilliseconds).ToList();
        Assert.Equal([0, 150, 450, 850, 1250], retransmits);
        var failed = events.OfType<IceCheckFailedEvent>().First(e => e.Pair.Remote.Port == 4000);
        Assert.Equal(1650, (int)failed.Elapsed.TotalMilliseconds);
        Assert.Equal("timeout after 5 request(s)", failed.Reason);

        // Every pair failed after end-of-candidates: failed, and nothing left to wake up for
        // (no timer spinning on a passed deadline).
        var state = Assert.IsType<IceStateChangedEvent>(events.Last(e => e is IceStateChangedEvent));
        Assert.Equal(RTCIceTransportState.Failed, state.NewState);
        Assert.Equal(0, time.ActiveTimerCount);
    }
}
