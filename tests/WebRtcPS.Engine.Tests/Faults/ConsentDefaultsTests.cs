using System.Net;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.PeerConnection;
using WebRtcPS.Engine.Tests.Ice;

namespace WebRtcPS.Engine.Tests.Faults;

/// <summary>
/// The consent timers a user gets by default, on a hand-moved clock (so no test waits 30 s of
/// wall clock): RFC 7675 §5.1's 30 s consent timeout, checks every 5 s ±20%, disconnected after
/// 10 s of silence. The blackout tests shorten them; these prove what they stand for.
/// </summary>
public sealed class ConsentDefaultsTests
{
    private static readonly IPAddress A1 = IPAddress.Parse("198.18.0.1"), B1 = IPAddress.Parse("198.18.0.2");

    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    private static bool Up(IceCorePeer p) => p.Core.State is RTCIceTransportState.Connected or RTCIceTransportState.Completed;

    /// <summary>The peer connection's defaults, with only the consent timers under test left as they are.</summary>
    private static IceCoreWire Wire()
    {
        var a = RTCConfiguration.DefaultIce with { Role = RTCIceRole.Controlling };
        return new IceCoreWire(a, [A1], a with { Role = RTCIceRole.Controlled }, [B1]) { Latency = TimeSpan.FromMilliseconds(10) };
    }

    [Fact]
    public void Defaults_AreTheRfcTimers()
    {
        foreach (var options in new[] { new IceAgentOptions(), RTCConfiguration.DefaultIce })
        {
            Assert.Equal(S(5), options.ConsentInterval);
            Assert.Equal(S(10), options.DisconnectedTimeout);
            Assert.Equal(S(30), options.ConsentTimeout);
        }
    }

    [Fact]
    public void Silence_DisconnectedAfter10s_FailedAt30s_WithTheReason()
    {
        var wire = Wire();
        wire.Start();
        Assert.True(wire.RunUntil(() => Up(wire.A) && Up(wire.B), S(5)));
        wire.RunUntil(S(20));
        wire.Blackholes.Add(B1);
        var lastAnswer = wire.A.EventsOf<IceCheckSucceededEvent>()[^1].Elapsed;
        wire.RunUntil(S(80));

        var states = wire.A.EventsOf<IceStateChangedEvent>();
        var disconnected = Assert.Single(states, e => e.NewState == RTCIceTransportState.Disconnected);
        var failed = Assert.Single(states, e => e.NewState == RTCIceTransportState.Failed);
        Assert.Equal(lastAnswer + S(10), disconnected.Elapsed);
        Assert.Equal(lastAnswer + S(30), failed.Elapsed);
        Assert.Equal("consent expired: no response on the selected pair for 30000 ms", failed.Reason);
        Assert.False(wire.A.Core.Route!.Usable);
    }

    [Fact]
    public void TenSecondBlackout_DisconnectedThenConnectedAgain_NeverFailed()
    {
        var wire = Wire();
        wire.Start();
        Assert.True(wire.RunUntil(() => Up(wire.A) && Up(wire.B), S(5)));
        wire.RunUntil(S(20));
        wire.Blackholes.Add(B1);
        wire.RunUntil(S(30));
        wire.Blackholes.Clear();
        Assert.Equal(RTCIceTransportState.Disconnected, wire.A.Core.State);
        Assert.True(wire.RunUntil(() => Up(wire.A), S(40)));
        wire.RunUntil(S(90));
        Assert.True(Up(wire.A));
        Assert.DoesNotContain(RTCIceTransportState.Failed, wire.A.States);
        Assert.True(wire.A.Core.Route!.Usable);
    }
}
