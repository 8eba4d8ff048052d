using System.Diagnostics;
using WebRtcPS.Engine.Tests.Signaling;
using WebRtcPS.Signaling.Server;

// (Not "...Tests.Interop": that namespace would hide the TestInfrastructure.Interop class in sibling folders.)
namespace WebRtcPS.Engine.Tests.InteropPeers;

/// <summary>
/// aiortc 1.4 (tests/interop/aiortc-peer/peer.py, Debian's /usr/bin/python3) against pion through
/// our signaling server: two foreign WebRTC stacks, neither written for this server, on loopback.
/// </summary>
public class AiortcPeerInteropTests
{
    private const string Python = "/usr/bin/python3";
    private static readonly Lazy<Task<string?>> Missing = new(ProbeAsync);

    /// <summary>Null when Debian's python3 can import aiortc and aiohttp, else why not.</summary>
    private static async Task<string?> ProbeAsync()
    {
        if (!File.Exists(Python)) return $"{Python} not found (apt-get install python3-aiortc python3-aiohttp)";
        var psi = new ProcessStartInfo(Python) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("import aiortc, aiohttp, aioice");
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? null : $"{Python} cannot import aiortc/aiohttp (apt-get install python3-aiortc python3-aiohttp): {(await stderr).Trim()}";
    }

    internal static async Task<PeerProcess> StartAiortcAsync(SignalingServer server, string role, params string[] extra)
    {
        var missing = await Missing.Value;
        Interop.Require(missing is null, missing ?? "");
        var script = Path.Combine(GoPrograms.InteropDir, "aiortc-peer", "peer.py");
        return PeerProcess.Start($"aiortc {role}", Python,
            ["-u", script, "-role", role, "-signaling-addr", server.Url.AbsoluteUri.TrimEnd('/'), "-loopback-only", "-timeout", "100s", .. extra]);
    }

    [SkippableFact]
    public async Task PionOffererAndAiortcAnswererExchangeTheGreetings()
    {
        await using var harness = await ServerHarness.StartAsync(o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(200));
        await using var answerer = await StartAiortcAsync(harness.Server, "answerer");
        await answerer.WaitForEventAsync("ready");
        await using var offerer = await PionPeerInteropTests.StartPionAsync(harness.Server, "offerer");

        var o = await PionPeerInteropTests.ResultAsync(offerer);
        var a = await PionPeerInteropTests.ResultAsync(answerer);
        Assert.Equal("Hello from the Answerer!", o.GetProperty("received").GetString());
        Assert.Equal("Hello from the Offerer!", a.GetProperty("received").GetString());
        PionPeerInteropTests.AssertGreetings(offerer, answerer);
        PionPeerInteropTests.AssertLoopbackConnection(offerer);
        PionPeerInteropTests.AssertLoopbackConnection(answerer);
        Assert.Equal(0, harness.Server.GetHealth().Counts.BadRequests);
    }

    [SkippableFact]
    public async Task AiortcOffererAndPionAnswererExchangeTheGreetings()
    {
        await using var harness = await ServerHarness.StartAsync(o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(200));
        await using var answerer = await PionPeerInteropTests.StartPionAsync(harness.Server, "answerer");
        await answerer.WaitForEventAsync("ready");
        await using var offerer = await StartAiortcAsync(harness.Server, "offerer");

        var o = await PionPeerInteropTests.ResultAsync(offerer);
        var a = await PionPeerInteropTests.ResultAsync(answerer);
        Assert.Equal("Hello from the Answerer!", o.GetProperty("received").GetString());
        Assert.Equal("Hello from the Offerer!", a.GetProperty("received").GetString());
        PionPeerInteropTests.AssertGreetings(offerer, answerer);
        PionPeerInteropTests.AssertLoopbackConnection(offerer);
        PionPeerInteropTests.AssertLoopbackConnection(answerer);
    }

    [SkippableFact]
    public async Task BulkFromPionArrivesIntactAtAiortc()
    {
        await using var harness = await ServerHarness.StartAsync();
        await using var receiver = await StartAiortcAsync(harness.Server, "answerer", "-mode", "bulk");
        await receiver.WaitForEventAsync("ready");
        await using var sender = await PionPeerInteropTests.StartPionAsync(harness.Server, "offerer", "-mode", "bulk",
            "-bytes", "3000000", "-msg-size", "65535");
        var sent = await PionPeerInteropTests.ResultAsync(sender);
        var received = await PionPeerInteropTests.ResultAsync(receiver);
        Assert.Equal(3_000_000, received.GetProperty("bytes").GetInt32());
        Assert.Equal(sent.GetProperty("sha256").GetString(), received.GetProperty("sha256").GetString());
    }

    [SkippableFact]
    public async Task AiortcEchoesPionPingsAndSeesTheChannelClose()
    {
        await using var harness = await ServerHarness.StartAsync();
        await using var echo = await StartAiortcAsync(harness.Server, "answerer", "-mode", "echo");
        await echo.WaitForEventAsync("ready");
        await using var ping = await PionPeerInteropTests.StartPionAsync(harness.Server, "offerer", "-mode", "ping", "-count", "50",
            "-msg-size", "1200");
        var r = await PionPeerInteropTests.ResultAsync(ping, echo);
        Assert.Equal(50, r.GetProperty("count").GetInt32());
        Assert.Equal(50, (await PionPeerInteropTests.ResultAsync(echo)).GetProperty("echoed").GetInt32());
    }

    [SkippableFact]
    public async Task BulkFromAnAiortcOffererArrivesIntactAtPion()
    {
        await using var harness = await ServerHarness.StartAsync();
        await using var receiver = await PionPeerInteropTests.StartPionAsync(harness.Server, "answerer", "-mode", "bulk");
        await receiver.WaitForEventAsync("ready");
        await using var sender = await StartAiortcAsync(harness.Server, "offerer", "-mode", "bulk", "-bytes", "3000000", "-msg-size", "65535");
        var sent = await PionPeerInteropTests.ResultAsync(sender);
        var received = await PionPeerInteropTests.ResultAsync(receiver);
        Assert.Equal(3_000_000, received.GetProperty("bytes").GetInt32());
        Assert.Equal(sent.GetProperty("sha256").GetString(), received.GetProperty("sha256").GetString());
    }

    [SkippableFact]
    public async Task TwoAiortcPeersExchangeTheGreetings()
    {
        await using var harness = await ServerHarness.StartAsync();
        await using var answerer = await StartAiortcAsync(harness.Server, "answerer");
        await answerer.WaitForEventAsync("ready");
        await using var offerer = await StartAiortcAsync(harness.Server, "offerer");
        await PionPeerInteropTests.ResultAsync(offerer);
        await PionPeerInteropTests.ResultAsync(answerer);
        PionPeerInteropTests.AssertGreetings(offerer, answerer);
        PionPeerInteropTests.AssertLoopbackConnection(offerer);
        PionPeerInteropTests.AssertLoopbackConnection(answerer);
    }
}
