using WebRtcPS.Engine.Ice;
using Xunit.Abstractions;

namespace WebRtcPS.Engine.Tests.Ice;

/// <summary>Two agents in one process over real UDP on loopback (and only loopback).</summary>
public sealed class IceAgentLoopbackTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ControllingAndControlled_Connect(bool trickle)
    {
        await using var a = new IceTestPeer("a", IceTestPeer.LoopbackOptions(RTCIceRole.Controlling));
        await using var b = new IceTestPeer("b", IceTestPeer.LoopbackOptions(RTCIceRole.Controlled));
        await IceTestPeer.ConnectAsync(a, b, trickle);

        await a.WaitConnectedAsync();
        await b.WaitConnectedAsync();
        // Both sides sent end-of-candidates and gathering is over: completed.
        await a.WaitForAsync(s => s == RTCIceTransportState.Completed);
        await b.WaitForAsync(s => s == RTCIceTransportState.Completed);

        var pa = a.Agent.GetSelectedCandidatePair();
        var pb = b.Agent.GetSelectedCandidatePair();
        Assert.NotNull(pa);
        Assert.NotNull(pb);
        Assert.Equal(pa.Local.Port, pb.Remote.Port);
        Assert.Equal(pa.Remote.Port, pb.Local.Port);
        Assert.Equal(RTCIceRole.Controlling, a.Agent.Role);
        Assert.Equal(RTCIceRole.Controlled, b.Agent.Role);
        Assert.Contains(a.EventsOf<IcePairNominatedEvent>(), e => e.Pair == pa);
        Assert.Contains(b.EventsOf<IcePairNominatedEvent>(), e => e.Pair == pb);
        var diagnostics = await a.Agent.GetDiagnosticsAsync();
        Assert.Empty(diagnostics.InternalErrors);
        Assert.Contains(diagnostics.Pairs, p => p.Selected && p.Nominated && p.ResponsesReceived > 0);
        output.WriteLine(diagnostics.ToString());
        foreach (var e in a.Events) output.WriteLine($"a {e.Elapsed.TotalMilliseconds,8:0.000} {e}");
        foreach (var e in b.Events) output.WriteLine($"b {e.Elapsed.TotalMilliseconds,8:0.000} {e}");
    }
}
