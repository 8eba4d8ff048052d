using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using WebRtcPS.Engine.DataChannels;
using WebRtcPS.Engine.PeerConnection;
using WebRtcPS.Engine.Tests.InteropPeers;
using WebRtcPS.Engine.Tests.Signaling;
using WebRtcPS.Signaling.Client;
using WebRtcPS.Signaling.Server;
using Xunit.Abstractions;

namespace WebRtcPS.Engine.Tests.PeerConnection;

/// <summary>
/// WebRtcPS's RTCPeerConnection against the real pion (v3.1.56) and aiortc (1.4) peers in
/// tests/interop, through our SignalingServer with the seed protocol, on loopback, in both roles.
/// The peers print one JSON object per line; their results are checked along with ours.
/// </summary>
public sealed class PeerConnectionInteropTests(ITestOutputHelper output)
{
    private const string OffererGreeting = "Hello from the Offerer!";
    private const string AnswererGreeting = "Hello from the Answerer!";
    private const int Bulk = 64 * 1024 * 1024;
    private readonly ITestOutputHelper _output = output;

    private static Task<PeerProcess> StartPeerAsync(string kind, SignalingServer server, string role, params string[] extra) => kind switch
    {
        "pion" => PionPeerInteropTests.StartPionAsync(server, role, extra),
        _ => AiortcPeerInteropTests.StartAiortcAsync(server, role, extra),
    };

    /// <summary>Our side of the seed protocol over a SignalingClient.</summary>
    private sealed class Ours : IAsyncDisposable
    {
        private readonly CancellationTokenSource _cts = PeerTestKit.Timeout();
        private readonly SignalingClient _client;
        private readonly Task _run;

        public Ours(SignalingServer server, bool offerer, Action<RTCPeerConnection>? beforeOffer = null)
        {
            Pc = new RTCPeerConnection(PeerTestKit.Loopback());
            _client = new SignalingClient(server.Url, offerer ? SeedPeer.OffererId : SeedPeer.AnswererId);
            beforeOffer?.Invoke(Pc);
            _run = offerer
                ? SeedPeer.RunOffererAsync(Pc, m => _client.SendAsync(m, _cts.Token), _client.ReceiveAsync(_cts.Token), _cts.Token, sendEndOfCandidates: false)
                : SeedPeer.RunAnswererAsync(Pc, m => _client.SendAsync(m, _cts.Token), _client.ReceiveAsync(_cts.Token), _cts.Token, sendEndOfCandidates: false);
        }

        public RTCPeerConnection Pc { get; }

        public async ValueTask DisposeAsync()
        {
            await _cts.CancelAsync();
            try
            {
                await _run;
            }
            catch (Exception)
            {
            }
            await Pc.DisposeAsync();
            _client.Dispose();
            _cts.Dispose();
        }
    }

    /// <summary>Runs <paramref name="body"/>; on failure, adds our diagnosis and the peer's transcript.</summary>
    private static async Task Explain(Ours ours, PeerProcess peer, Func<Task> body)
    {
        try
        {
            await body();
        }
        catch (Exception ex)
        {
            var diagnosis = await ours.Pc.GetDiagnosticsAsync();
            throw new Xunit.Sdk.XunitException($"{ex.GetType().Name}: {ex.Message}\n--- WebRtcPS ---\n{diagnosis}\n--- {peer.Name} ---\n{peer.Transcript()}\n{ex}");
        }
    }

    private static async Task<(RTCDataChannel Channel, MessageSink Sink)> OurChannelAsync(Ours ours, bool offerer, Task<(RTCDataChannel, MessageSink)>? remote, RTCDataChannel? local, MessageSink? sink)
    {
        if (offerer)
        {
            await PeerTestKit.WhenOpen(local!);
            return (local!, sink!);
        }
        var (channel, s) = await remote!;
        await PeerTestKit.WhenOpen(channel);
        return (channel, s);
    }

    [SkippableTheory]
    [InlineData("pion", true)]
    [InlineData("pion", false)]
    [InlineData("aiortc", true)]
    [InlineData("aiortc", false)]
    public async Task Greetings_both_ways(string kind, bool weOffer)
    {
        await using var harness = await ServerHarness.StartAsync(o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(500));
        await using var peer = await StartPeerAsync(kind, harness.Server, weOffer ? "answerer" : "offerer");
        await peer.WaitForEventAsync("ready");
        RTCDataChannel? local = null;
        MessageSink? localSink = null;
        Task<(RTCDataChannel, MessageSink)>? remote = null;
        var sw = Stopwatch.StartNew();
        await using var ours = new Ours(harness.Server, weOffer, pc =>
        {
            if (weOffer)
            {
                local = pc.CreateDataChannel("testChannel");
                localSink = new MessageSink(local);
            }
            else remote = PeerTestKit.NextRemoteChannel(pc, "testChannel");
        });
        await Explain(ours, peer, async () =>
        {
            var (channel, sink) = await OurChannelAsync(ours, weOffer, remote, local, localSink);
            _output.WriteLine($"{kind}: our channel open after {sw.Elapsed.TotalMilliseconds:F0} ms (incl. the peer's start)");
            channel.Send(weOffer ? OffererGreeting : AnswererGreeting);
            Assert.Equal(weOffer ? AnswererGreeting : OffererGreeting, await sink.NextTextAsync());
            var result = await PionPeerInteropTests.ResultAsync(peer);
            Assert.Equal(weOffer ? OffererGreeting : AnswererGreeting, result.GetProperty("received").GetString());
            PionPeerInteropTests.AssertLoopbackConnection(peer);
            var stats = await ours.Pc.GetStatsAsync();
            Assert.NotNull(stats.SelectedCandidatePair);
        });
    }

    [SkippableTheory]
    [InlineData("pion", true)]
    [InlineData("pion", false)]
    [InlineData("aiortc", true)]
    [InlineData("aiortc", false)]
    public async Task Thousand_echo_round_trips_with_the_peer_echoing(string kind, bool weOffer)
    {
        await using var harness = await ServerHarness.StartAsync(o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(500));
        await using var peer = await StartPeerAsync(kind, harness.Server, weOffer ? "answerer" : "offerer", "-mode", "echo");
        await peer.WaitForEventAsync("ready");
        RTCDataChannel? local = null;
        MessageSink? localSink = null;
        Task<(RTCDataChannel, MessageSink)>? remote = null;
        await using var ours = new Ours(harness.Server, weOffer, pc =>
        {
            if (weOffer)
            {
                local = pc.CreateDataChannel("testChannel");
                localSink = new MessageSink(local);
            }
            else remote = PeerTestKit.NextRemoteChannel(pc, "testChannel");
        });
        await Explain(ours, peer, async () =>
        {
            var (channel, sink) = await OurChannelAsync(ours, weOffer, remote, local, localSink);
            var rtts = new List<double>(1000);
            var payload = new byte[100];
            for (var i = 0; i < 1000; i++)
            {
                BitConverter.TryWriteBytes(payload, i);
                var sw = Stopwatch.StartNew();
                channel.Send(payload.AsMemory());
                var echo = await sink.NextAsync();
                rtts.Add(sw.Elapsed.TotalMilliseconds);
                Assert.False(echo.IsText);
                Assert.Equal(payload, echo.Data);
            }
            rtts.Sort();
            _output.WriteLine($"{kind} echo, we {(weOffer ? "offer" : "answer")}: RTT p50 {rtts[500]:F3} ms, p99 {rtts[990]:F3} ms");
            channel.Close();
            await PeerTestKit.WhenClosed(channel);
            var result = await PionPeerInteropTests.ResultAsync(peer);
            Assert.Equal(1000, result.GetProperty("echoed").GetInt32());
        });
    }

    [SkippableTheory]
    [InlineData("pion", true, 65535)]
    [InlineData("pion", false, 65535)]
    [InlineData("aiortc", true, 65535)]
    [InlineData("aiortc", false, 262144)]
    public async Task Sixty_four_MiB_bulk_verified_with_SHA256(string kind, bool weOffer, int messageSize)
    {
        // We offer: we send to the peer's bulk receiver. The peer offers: it sends, we receive.
        await using var harness = await ServerHarness.StartAsync(o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(500));
        string[] args = weOffer ? ["-mode", "bulk", "-bytes", "0", "-timeout", "120s"]
            : ["-mode", "bulk", "-bytes", Bulk.ToString(System.Globalization.CultureInfo.InvariantCulture), "-msg-size", messageSize.ToString(System.Globalization.CultureInfo.InvariantCulture), "-timeout", "120s"];
        await using var peer = await StartPeerAsync(kind, harness.Server, weOffer ? "answerer" : "offerer", args);
        await peer.WaitForEventAsync("ready");
        RTCDataChannel? local = null;
        Task<(RTCDataChannel, MessageSink)>? remote = null;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long received = 0;
        var receivedMessages = 0;
        var end = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var sw = new Stopwatch();
        void Receive(RTCDataChannel channel, RTCDataChannelMessage m)
        {
            if (m.IsText && m.Text!.StartsWith("__bulk_end__ ", StringComparison.Ordinal) || m.IsText && m.Text!.StartsWith("__bulk_done__ ", StringComparison.Ordinal))
            {
                end.TrySetResult(m.Text!);
                return;
            }
            if (received == 0) sw.Start();
            hash.AppendData(m.Data);
            received += m.Data.Length;
            receivedMessages++;
        }
        await using var ours = new Ours(harness.Server, weOffer, pc =>
        {
            if (weOffer)
            {
                local = pc.CreateDataChannel("testChannel");
                local.OnMessage += (_, m) => Receive(local, m);
            }
            else
            {
                var tcs = new TaskCompletionSource<(RTCDataChannel, MessageSink)>(TaskCreationOptions.RunContinuationsAsynchronously);
                pc.OnDataChannel += (_, c) =>
                {
                    c.OnMessage += (_, m) => Receive(c, m);
                    tcs.TrySetResult((c, new MessageSink(c)));
                };
                remote = tcs.Task.WaitAsync(PeerTestKit.Patience);
            }
        });
        await Explain(ours, peer, async () =>
        {
            var (channel, _) = await OurChannelAsync(ours, weOffer, remote, local, weOffer ? new MessageSink(local!) : null);
            if (weOffer)
            {
                var rng = new Random(1);
                var chunk = new byte[messageSize];
                using var sent = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var messages = 0;
                sw.Start();
                for (var offset = 0; offset < Bulk; offset += messageSize)
                {
                    var n = Math.Min(messageSize, Bulk - offset);
                    var data = new byte[n];
                    rng.NextBytes(data);
                    sent.AppendData(data);
                    await channel.SendAsync(data);
                    messages++;
                }
                var sum = Convert.ToHexStringLower(sent.GetHashAndReset());
                channel.Send("__bulk_end__ " + JsonSerializer.Serialize(new { bytes = Bulk, messages, sha256 = sum }));
                var done = await end.Task.WaitAsync(TimeSpan.FromSeconds(120));
                sw.Stop();
                using var doc = JsonDocument.Parse(done["__bulk_done__ ".Length..]);
                Assert.Equal(sum, doc.RootElement.GetProperty("sha256").GetString());
                Assert.Equal(Bulk, doc.RootElement.GetProperty("bytes").GetInt64());
                _output.WriteLine($"WebRtcPS -> {kind}: 64 MiB in {messageSize}-byte messages, {Bulk * 8 / sw.Elapsed.TotalSeconds / 1e6:F1} Mbit/s (until the receiver's done marker)");
                var result = await PionPeerInteropTests.ResultAsync(peer);
                Assert.Equal(sum, result.GetProperty("sha256").GetString());
            }
            else
            {
                var marker = await end.Task.WaitAsync(TimeSpan.FromSeconds(120));
                sw.Stop();
                using var doc = JsonDocument.Parse(marker["__bulk_end__ ".Length..]);
                var sum = Convert.ToHexStringLower(hash.GetHashAndReset());
                Assert.Equal(doc.RootElement.GetProperty("sha256").GetString(), sum);
                Assert.Equal((long)Bulk, received);
                channel.Send("__bulk_done__ " + JsonSerializer.Serialize(new { bytes = received, messages = receivedMessages, sha256 = sum }));
                _output.WriteLine($"{kind} -> WebRtcPS: 64 MiB in {messageSize}-byte messages, {Bulk * 8 / sw.Elapsed.TotalSeconds / 1e6:F1} Mbit/s (first to last byte)");
                var result = await PionPeerInteropTests.ResultAsync(peer);
                Assert.Equal(sum, result.GetProperty("sha256").GetString());
            }
        });
    }

    [SkippableTheory]
    [InlineData("pion", true)]
    [InlineData("pion", false)]
    [InlineData("aiortc", true)]
    [InlineData("aiortc", false)]
    public async Task Unordered_channel_without_retransmissions(string kind, bool weOffer)
    {
        await using var harness = await ServerHarness.StartAsync(o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(500));
        await using var peer = await StartPeerAsync(kind, harness.Server, weOffer ? "answerer" : "offerer",
            weOffer ? [] : ["-ordered=false", "-max-retransmits", "0"]);
        await peer.WaitForEventAsync("ready");
        RTCDataChannel? local = null;
        MessageSink? localSink = null;
        Task<(RTCDataChannel, MessageSink)>? remote = null;
        await using var ours = new Ours(harness.Server, weOffer, pc =>
        {
            if (weOffer)
            {
                local = pc.CreateDataChannel("testChannel", new RTCDataChannelInit { Ordered = false, MaxRetransmits = 0 });
                localSink = new MessageSink(local);
            }
            else remote = PeerTestKit.NextRemoteChannel(pc, "testChannel");
        });
        await Explain(ours, peer, async () =>
        {
            var (channel, sink) = await OurChannelAsync(ours, weOffer, remote, local, localSink);
            Assert.False(channel.Ordered);
            Assert.Equal((ushort)0, channel.MaxRetransmits);
            channel.Send(weOffer ? OffererGreeting : AnswererGreeting);
            Assert.Equal(weOffer ? AnswererGreeting : OffererGreeting, await sink.NextTextAsync());
            await PionPeerInteropTests.ResultAsync(peer);
            var open = Assert.Single(peer.Events("channel_open"));
            Assert.False(open.GetProperty("ordered").GetBoolean());
            Assert.Equal(0, open.GetProperty("max_retransmits").GetInt32());
        });
    }
}
