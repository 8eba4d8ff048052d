using System.Diagnostics;
using WebRtcPS.Engine.PeerConnection;
using WebRtcPS.Engine.Tests.InteropPeers;
using WebRtcPS.Engine.Tests.PeerConnection;
using WebRtcPS.Engine.Tests.Signaling;
using WebRtcPS.Engine.Tests.TestInfrastructure;
using WebRtcPS.Signaling.Client;
using Xunit.Abstractions;

namespace WebRtcPS.Engine.Tests.Faults;

/// <summary>
/// The remote peer's process killed (SIGKILL: no close, no SCTP ABORT, no DTLS close_notify):
/// only consent freshness (RFC 7675) can tell, so our side must report disconnected, then failed
/// with the reason, within the consent timeout. The peer is pion (tests/interop/pion-peer) in a
/// child process; interop skip rule (fails under WRTC_REQUIRE_INTEROP=1 without Go/pion).
/// </summary>
public sealed class RemoteKilledTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task PionKilled_ReportedWithinTheConsentTimeout()
    {
        var consentTimeout = TimeSpan.FromSeconds(3);
        var config = PeerTestKit.Loopback(ice => ice with
        {
            ConsentInterval = TimeSpan.FromMilliseconds(250),
            DisconnectedTimeout = TimeSpan.FromSeconds(1),
            ConsentTimeout = consentTimeout,
        });
        await using var harness = await ServerHarness.StartAsync(o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(500));
        await using var peer = await PionPeerInteropTests.StartPionAsync(harness.Server, "answerer", "-mode", "echo");
        await peer.WaitForEventAsync("ready");

        using var cts = PeerTestKit.Timeout();
        await using var pc = new RTCPeerConnection(config);
        using var client = new SignalingClient(harness.Server.Url, SeedPeer.OffererId);
        var channel = pc.CreateDataChannel("testChannel");
        var sink = new MessageSink(channel);
        var run = SeedPeer.RunOffererAsync(pc, m => client.SendAsync(m, cts.Token), client.ReceiveAsync(cts.Token), cts.Token, sendEndOfCandidates: false);
        try
        {
            await PeerTestKit.WhenOpen(channel);
            channel.Send("ping");
            Assert.Equal("ping", await sink.NextTextAsync());
            var states = new List<RTCPeerConnectionState>();
            pc.OnConnectionStateChange += (_, s) => { lock (states) states.Add(s); };

            var sw = Stopwatch.StartNew();
            peer.Kill();
            var failed = await pc.WaitForConnectionStateAsync(s => s == RTCPeerConnectionState.Failed, cts.Token);
            var elapsed = sw.Elapsed;
            output.WriteLine($"failed {elapsed.TotalMilliseconds:F0} ms after the kill: {pc.FailureReason}");

            // The W3C handlers run on their own event task, just after the state changed.
            await Poll.UntilAsync(() => { lock (states) return states.Contains(RTCPeerConnectionState.Failed); }, PeerTestKit.Patience, "the failed event");
            lock (states) Assert.Equal([RTCPeerConnectionState.Disconnected, RTCPeerConnectionState.Failed], states);
            Assert.Contains("consent expired", pc.FailureReason);
            // Silence is counted from the last answer, before the kill: within the timeout, plus
            // the scheduling slack of a loaded machine.
            Assert.InRange(elapsed, TimeSpan.Zero, consentTimeout + TimeSpan.FromSeconds(2));
        }
        catch (Exception ex) when (ex is not Xunit.SkipException)
        {
            throw new Xunit.Sdk.XunitException($"{ex.Message}\n--- WebRtcPS ---\n{await pc.GetDiagnosticsAsync()}\n--- pion ---\n{peer.Transcript()}\n{ex}");
        }
        finally
        {
            await cts.CancelAsync();
            try { await run; } catch (Exception) { }
        }
    }
}
