using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using PuppeteerSharp;
using WebRtcPS.Engine.DataChannels;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.PeerConnection;
using WebRtcPS.Engine.Tests.InteropPeers;
using WebRtcPS.Engine.Tests.Turn;
using WebRtcPS.Signaling.Peers;
using WebRtcPS.Signaling.Server;

namespace WebRtcPS.Engine.Tests.Browser;

/// <summary>
/// The test assembly run as a program inside a <see cref="ChromiumNamespace"/>
/// (<c>ip netns exec NS dotnet WebRtcPS.Engine.Tests.dll browser-agent '{scenario}'</c>): our
/// signaling server (serving the /peer page), Chromium driven by PuppeteerSharp, the WebRtcPS
/// peer (a <see cref="SeedPeer"/>) and, for relay runs, coturn, all in that namespace. It runs one
/// <see cref="BrowserScenario"/> and prints JSON lines like the interop peers do (PeerProcess):
/// events, then <c>{"event":"result","ok":...}</c> with what each side saw. The test asserts.
/// </summary>
internal sealed partial class BrowserLabAgent : IAsyncDisposable
{
    public const string Verb = "browser-agent";
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(45);
    private static readonly Lock OutputGate = new();
    private static readonly Stopwatch Clock = Stopwatch.StartNew();

    private readonly BrowserScenario _scenario;
    private readonly Dictionary<string, object?> _facts = [];
    private readonly string _nonce = Guid.NewGuid().ToString("N")[..8];
    private SignalingServer? _server;
    private CoturnServer? _coturn;
    private ChromiumBrowser? _chromium;
    private readonly List<IPage> _pages = [];
    private volatile string? _selectedRemoteType; // written by the peer's event pump

    private BrowserLabAgent(BrowserScenario scenario) => _scenario = scenario;

    /// <summary>Entry point (see Program.Main); exit code 0 when the scenario completed.</summary>
    public static int Run(string scenarioJson)
    {
        var scenario = JsonSerializer.Deserialize<BrowserScenario>(scenarioJson)
            ?? throw new ArgumentException("no scenario", nameof(scenarioJson));
        return RunAsync(scenario).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(BrowserScenario scenario)
    {
        var agent = new BrowserLabAgent(scenario);
        try
        {
            await agent.StartAsync();
            await agent.RunScenarioAsync();
            agent._facts["ok"] = true;
            Emit("result", agent._facts);
            return 0;
        }
        catch (Exception ex)
        {
            agent._facts["ok"] = false;
            agent._facts["error"] = ex.ToString();
            await agent.DumpPagesAsync();
            Emit("result", agent._facts);
            return 1;
        }
        finally
        {
            await agent.DisposeAsync();
        }
    }

    private async Task StartAsync()
    {
        _server = await SignalingServer.StartAsync(new SignalingServerOptions
        {
            Port = 0,
            ListenAddress = IPAddress.Loopback,
            HeartbeatInterval = TimeSpan.FromSeconds(1), // the page must ignore them
        });
        if (_scenario.Kind == "relay") _coturn = await CoturnServer.StartAsync();
        if (_scenario.Kind.StartsWith("pion", StringComparison.Ordinal)) return; // the bench's reference: no browser
        var launch = Stopwatch.StartNew();
        _chromium = await ChromiumBrowser.LaunchAsync(_scenario.HideLocalIpsWithMdns);
        _facts["chromium_version"] = await _chromium.GetVersionAsync();
        _facts["chromium_launch_ms"] = launch.Elapsed.TotalMilliseconds;
        Emit("ready", new() { ["page"] = _server.PageUrl.ToString(), ["chromium_pid"] = _chromium.ProcessId });
    }

    private Task RunScenarioAsync() => _scenario.Kind switch
    {
        "browsers" => BrowsersAsync(),
        "pion" => PionAsync(),
        "greetings" or "echo" or "bulk" or "unreliable" or "relay" => WithWebRtcPsAsync(),
        _ => throw new ArgumentException($"unknown scenario '{_scenario.Kind}'"),
    };

    // ---- WebRtcPS <-> Chromium ---------------------------------------------------------------

    private async Task WithWebRtcPsAsync()
    {
        string ours = $"wrtc-{_nonce}", theirs = $"chromium-{_nonce}";
        var unreliable = _scenario.Kind == "unreliable";
        var configuration = new RTCConfiguration();
        var query = new Dictionary<string, string> { ["role"] = _scenario.ChromiumRole, ["id"] = theirs, ["remoteId"] = ours };
        if (_coturn is not null)
        {
            configuration = configuration with
            {
                IceServers = [_coturn.IceServer(_coturn.UdpUri)],
                IceTransportPolicy = RTCIceTransportPolicy.Relay,
            };
            query["ice"] = _coturn.UdpUri.ToString();
            query["username"] = CoturnServer.User;
            query["credential"] = CoturnServer.Password;
            query["relayOnly"] = "1";
        }
        if (unreliable && _scenario.ChromiumOffers)
        {
            query["ordered"] = "0";
            query["maxRetransmits"] = "0";
        }

        await using var peer = new SeedPeer(new SeedPeerOptions
        {
            Role = _scenario.ChromiumOffers ? SeedPeerRole.Answerer : SeedPeerRole.Offerer,
            Id = ours,
            RemoteId = theirs,
            SignalingUri = _server!.Url,
            Configuration = configuration,
            ChannelInit = unreliable ? new RTCDataChannelInit { Ordered = false, MaxRetransmits = 0 } : new RTCDataChannelInit(),
        });

        IPage page;
        Task connect;
        var started = Stopwatch.StartNew();
        if (_scenario.ChromiumOffers)
        {
            connect = peer.ConnectAsync(ConnectTimeout, OnPeerEvent); // the answerer listens first
            page = await OpenPageAsync(query);
        }
        else
        {
            page = await OpenPageAsync(query);
            await page.WaitForFunctionAsync("() => document.getElementById('signaling').textContent.startsWith('receiving')", Wait);
            connect = peer.ConnectAsync(ConnectTimeout, OnPeerEvent);
        }
        try
        {
            await connect;
        }
        catch
        {
            // Where our receive path stands (issue 14: Chromium's greeting sent but never delivered
            // here), and Chromium's send side: a greeting still in its bufferedAmount was never sent.
            if (peer.Connection is { } pc) _facts["webrtcps_data_path"] = await pc.DescribeDataPathAsync();
            try
            {
                _facts["chromium_send_side"] = await page.EvaluateFunctionAsync<JsonElement>(PageScripts.SendSide);
            }
            catch (Exception ex)
            {
                _facts["chromium_send_side"] = "unavailable: " + ex.Message;
            }
            throw;
        }
        _facts["webrtcps_open_ms"] = peer.OpenedAfter?.TotalMilliseconds;
        _facts["webrtcps_setup_ms"] = peer.SetupTime?.TotalMilliseconds;
        _facts["webrtcps_received"] = peer.RemoteGreeting?.Text;
        var channel = peer.DataChannel!;
        _facts["webrtcps_channel"] = new Dictionary<string, object?>
        {
            ["label"] = channel.Label, ["ordered"] = channel.Ordered, ["maxRetransmits"] = channel.MaxRetransmits,
        };
        await page.WaitForFunctionAsync("() => window.wrtc.messages.length > 0 && window.wrtc.selectedPair", Wait);
        _facts["connect_ms"] = started.Elapsed.TotalMilliseconds;
        await RecordPageAsync(page, "chromium");
        _facts["chromium_send_side"] = await page.EvaluateFunctionAsync<JsonElement>(PageScripts.SendSide);
        if (_scenario.HideLocalIpsWithMdns) await AwaitMdnsResolutionAsync(peer);

        switch (_scenario.Kind)
        {
            case "echo": await EchoAsync(peer, page); break;
            case "bulk": await BulkAsync(peer, page); break;
            case "unreliable": await UnreliableAsync(peer, page); break;
        }
    }

    /// <summary>Chromium's checks usually arrive before its .local name resolves (its responder
    /// answers a name at most once a second, RFC 6762 §6, and announced it just before): the pair
    /// is selected as peer-reflexive and reported again as host once the look-up answers. A
    /// bounded wait for that (our agent gives up on a name after 3 s); the test asserts.</summary>
    private async Task AwaitMdnsResolutionAsync(SeedPeer peer)
    {
        var until = Stopwatch.StartNew();
        while (_selectedRemoteType == nameof(RTCIceCandidateType.Prflx) && until.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(50);
            // (Past ConnectAsync the peer's events wait in its channel.)
            while (peer.Events.TryRead(out var e)) OnPeerEvent(e);
        }
    }

    private void OnPeerEvent(SeedPeerEvent e)
    {
        switch (e)
        {
            case SeedPeerCandidateEvent c:
                Emit("candidate", new()
                {
                    ["side"] = "webrtcps", ["local"] = c.IsLocal, ["type"] = c.Candidate.Type.ToString().ToLowerInvariant(),
                    ["address"] = c.Candidate.Address, ["port"] = c.Candidate.Port, ["line"] = c.Candidate.ToSdpString(),
                });
                break;
            case SeedPeerSelectedPairEvent p:
                var pair = new Dictionary<string, object?>
                {
                    ["local"] = Side(p.Pair.Local), ["remote"] = Side(p.Pair.Remote),
                };
                _facts.TryAdd("webrtcps_first_selected_pair", pair);
                _facts["webrtcps_selected_pair"] = pair;
                _selectedRemoteType = p.Pair.Remote.Type.ToString();
                Emit("selected_pair", pair);
                break;
            case SeedPeerStateEvent s:
                Emit("state", new() { ["side"] = "webrtcps", ["machine"] = s.Machine.ToString(), ["state"] = s.To, ["detail"] = s.Detail });
                break;
            case SeedPeerWarningEvent w:
                Emit("warning", new() { ["side"] = "webrtcps", ["message"] = w.Message });
                break;
        }

        static Dictionary<string, object?> Side(RTCIceCandidate c) => new()
        {
            ["type"] = c.Type.ToString().ToLowerInvariant(), ["protocol"] = c.Protocol.ToString().ToLowerInvariant(),
            ["address"] = c.Address, ["port"] = c.Port,
        };
    }

    /// <summary>WebRtcPS sends <see cref="BrowserScenario.Count"/> messages one at a time; the page echoes each.</summary>
    private async Task EchoAsync(SeedPeer peer, IPage page)
    {
        await page.EvaluateFunctionAsync("() => { window.wrtc.onmessage = d => window.wrtc.channel.send(d); }");
        var rtts = new double[_scenario.Count];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        for (var i = 0; i < rtts.Length; i++)
        {
            var text = $"echo {i} {new string('x', i % 200)}";
            var sent = Stopwatch.GetTimestamp();
            await peer.SendAsync(text, timeout.Token);
            var back = await peer.Messages.ReadAsync(timeout.Token);
            rtts[i] = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
            if (back.Text != text) throw new InvalidOperationException($"echo {i}: got '{back.Text}'");
        }
        Array.Sort(rtts);
        _facts["echoes"] = rtts.Length;
        _facts["rtt_p50_ms"] = rtts[rtts.Length / 2];
        _facts["rtt_p99_ms"] = rtts[Math.Min(rtts.Length - 1, (int)(rtts.Length * 0.99))];
    }

    /// <summary><see cref="BrowserScenario.Bytes"/> each way in messages of <see cref="BrowserScenario.MessageSize"/>, SHA-256 on both ends.</summary>
    private async Task BulkAsync(SeedPeer peer, IPage page)
    {
        int total = _scenario.Bytes, size = _scenario.MessageSize;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));

        // WebRtcPS -> Chromium
        await page.EvaluateFunctionAsync(PageScripts.Collect, total);
        var data = new byte[total];
        new Random(20261203).NextBytes(data);
        var clock = Stopwatch.StartNew();
        for (var offset = 0; offset < total; offset += size)
            await peer.DataChannel!.SendAsync(data.AsMemory(offset, Math.Min(size, total - offset)), timeout.Token);
        var received = await page.EvaluateExpressionAsync<JsonElement>("window.wrtcBulk");
        var seconds = clock.Elapsed.TotalSeconds;
        _facts["to_chromium"] = new Dictionary<string, object?>
        {
            ["bytes"] = received.GetProperty("bytes").GetInt32(),
            ["messages"] = received.GetProperty("messages").GetInt32(),
            ["sha256_sent"] = Convert.ToHexStringLower(SHA256.HashData(data)),
            ["sha256_received"] = received.GetProperty("sha256").GetString(),
            ["mbps"] = total * 8 / seconds / 1e6,
        };

        // Chromium -> WebRtcPS
        var receive = Task.Run(async () =>
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long bytes = 0, messages = 0;
            while (bytes < total)
            {
                var m = await peer.Messages.ReadAsync(timeout.Token);
                hash.AppendData(m.Data);
                bytes += m.Data.Length;
                messages++;
            }
            return (bytes, messages, sha: Convert.ToHexStringLower(hash.GetHashAndReset()));
        });
        var sent = await page.EvaluateFunctionAsync<JsonElement>(PageScripts.Send, total, size);
        var (gotBytes, gotMessages, sha) = await receive;
        _facts["from_chromium"] = new Dictionary<string, object?>
        {
            ["bytes"] = gotBytes,
            ["messages"] = gotMessages,
            ["sha256_sent"] = sent.GetProperty("sha256").GetString(),
            ["sha256_received"] = sha,
            ["mbps"] = total * 8 / (sent.GetProperty("ms").GetDouble() / 1000) / 1e6,
        };
    }

    /// <summary>Both sides send <see cref="BrowserScenario.Count"/> small messages on the unordered, unreliable channel.</summary>
    private async Task UnreliableAsync(SeedPeer peer, IPage page)
    {
        var count = _scenario.Count;
        await page.EvaluateFunctionAsync("() => { window.wrtcUnreliable = 0; window.wrtc.onmessage = d => { if (typeof d === 'string' && d.startsWith('u ')) window.wrtcUnreliable++; }; }");
        for (var i = 0; i < count; i++) peer.DataChannel!.Send($"u {i}");
        await page.EvaluateFunctionAsync("n => { for (let i = 0; i < n; i++) window.wrtc.channel.send('u ' + i); }", count);

        var ours = 0;
        using var quiet = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            while (ours < count)
            {
                var m = await peer.Messages.ReadAsync(quiet.Token);
                if (m.Text?.StartsWith("u ", StringComparison.Ordinal) == true) ours++;
            }
        }
        catch (OperationCanceledException)
        {
            // unreliable: what did not come is reported, not waited for
        }
        await Task.Delay(200);
        _facts["unreliable_received_by_webrtcps"] = ours;
        _facts["unreliable_received_by_chromium"] = await page.EvaluateExpressionAsync<int>("window.wrtcUnreliable");
    }

    // ---- Chromium <-> Chromium through our server and page -----------------------------------

    private async Task BrowsersAsync()
    {
        string a = $"chromium-a-{_nonce}", o = $"chromium-o-{_nonce}";
        var answerer = await OpenPageAsync(new() { ["role"] = "answerer", ["id"] = a, ["remoteId"] = o });
        await answerer.WaitForFunctionAsync("() => document.getElementById('signaling').textContent.startsWith('receiving')", Wait);
        var started = Stopwatch.StartNew();
        var offerer = await OpenPageAsync(new() { ["role"] = "offerer", ["id"] = o, ["remoteId"] = a });
        foreach (var page in new[] { answerer, offerer })
            await page.WaitForFunctionAsync("() => window.wrtc.messages.length > 0 && window.wrtc.selectedPair", Wait);
        _facts["connect_ms"] = started.Elapsed.TotalMilliseconds;
        await RecordPageAsync(answerer, "answerer");
        await RecordPageAsync(offerer, "offerer");
        if (_scenario.Bytes > 0)
        {
            await answerer.EvaluateFunctionAsync(PageScripts.Collect, _scenario.Bytes);
            var sent = await offerer.EvaluateFunctionAsync<JsonElement>(PageScripts.Send, _scenario.Bytes, _scenario.MessageSize);
            var received = await answerer.EvaluateExpressionAsync<JsonElement>("window.wrtcBulk");
            _facts["bulk"] = new Dictionary<string, object?>
            {
                ["bytes"] = received.GetProperty("bytes").GetInt32(),
                ["sha256_sent"] = sent.GetProperty("sha256").GetString(),
                ["sha256_received"] = received.GetProperty("sha256").GetString(),
                ["mbps"] = _scenario.Bytes * 8 / (sent.GetProperty("ms").GetDouble() / 1000) / 1e6,
            };
        }
    }

    // ---- the bench's reference: pion <-> pion in the same namespace, through the same server ----

    private async Task PionAsync()
    {
        var exe = await GoPrograms.RequireAsync("pion-peer");
        string[] common = ["-signaling-addr", _server!.Url.AbsoluteUri.TrimEnd('/'), "-loopback-only", "-timeout", "60s"];
        string[] mode = _scenario.Bytes > 0 ? ["-mode", "bulk"] : [];
        string a = $"pion-a-{_nonce}", o = $"pion-o-{_nonce}";
        await using var answerer = PeerProcess.Start("pion answerer", exe, [.. common, "-role", "answerer", "-id", a, "-remote-id", o, .. mode]);
        await answerer.WaitForEventAsync("ready");
        string[] bulk = _scenario.Bytes > 0 ? ["-bytes", _scenario.Bytes.ToString(CultureInfo.InvariantCulture), "-msg-size", _scenario.MessageSize.ToString(CultureInfo.InvariantCulture)] : [];
        await using var offerer = PeerProcess.Start("pion offerer", exe, [.. common, "-role", "offerer", "-id", o, "-remote-id", a, .. mode, .. bulk]);
        var open = await offerer.WaitForEventAsync("channel_open");
        _facts["pion_setup_ms"] = open.GetProperty("setup_ms").GetDouble();
        var result = await offerer.WaitForEventAsync("result");
        if (!result.GetProperty("ok").GetBoolean()) throw new InvalidOperationException($"pion offerer failed\n{offerer.Transcript()}\n{answerer.Transcript()}");
        if (_scenario.Bytes > 0) _facts["pion_mbps"] = result.GetProperty("mbps").GetDouble();
    }

    // ---- pages ---------------------------------------------------------------------------------

    private static readonly WaitForFunctionOptions Wait = new() { Timeout = 45_000, PollingInterval = 50 };

    private async Task<IPage> OpenPageAsync(Dictionary<string, string> query)
    {
        var url = new UriBuilder(_server!.PageUrl)
        {
            Query = string.Join('&', query.Select(kv => $"{kv.Key}={Uri.EscapeDataString(kv.Value)}")),
        }.Uri;
        var name = $"page {query["role"]}";
        var page = await _chromium!.OpenAsync(url, line => Emit("page_console", new() { ["page"] = name, ["text"] = line }));
        _pages.Add(page);
        return page;
    }

    /// <summary>What the page saw, under <paramref name="prefix"/>_*: greeting, candidates, pair, states, channel.</summary>
    private async Task RecordPageAsync(IPage page, string prefix)
    {
        var seen = await page.EvaluateFunctionAsync<JsonElement>(PageScripts.Facts);
        foreach (var property in seen.EnumerateObject()) _facts[$"{prefix}_{property.Name}"] = property.Value.Clone();
    }

    private async Task DumpPagesAsync()
    {
        foreach (var page in _pages)
        {
            try
            {
                var log = await page.EvaluateExpressionAsync<string[]>("window.wrtc ? window.wrtc.events.map(e => `${e.ms} ${e.kind} ${e.text}`) : []")
                    .WaitAsync(TimeSpan.FromSeconds(5));
                Emit("page_log", new() { ["url"] = page.Url, ["lines"] = log });
            }
            catch (Exception e) when (e is PuppeteerException or TimeoutException or JsonException)
            {
                Emit("page_log", new() { ["url"] = page.Url, ["error"] = e.Message });
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_chromium is not null) await _chromium.DisposeAsync();
        if (_coturn is not null) await _coturn.DisposeAsync();
        if (_server is not null) await _server.DisposeAsync();
    }

    // ---- output: one JSON object per line ------------------------------------------------------

    internal static void Emit(string name, Dictionary<string, object?> fields)
    {
        var line = new Dictionary<string, object?> { ["event"] = name, ["t_ms"] = Math.Round(Clock.Elapsed.TotalMilliseconds, 1) };
        foreach (var (k, v) in fields) line[k] = v;
        var json = JsonSerializer.Serialize(line);
        lock (OutputGate) Console.Out.WriteLine(json);
    }
}
