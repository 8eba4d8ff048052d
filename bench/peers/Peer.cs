using System.Diagnostics;
using System.Net.Sockets;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using WebRtcPS.Engine.DataChannels;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.PeerConnection;
using WebRtcPS.Engine.Runtime;
using WebRtcPS.Engine.Sctp;
using WebRtcPS.Engine.Sdp;
using WebRtcPS.Engine.Turn;
using WebRtcPS.Signaling;
using WebRtcPS.Signaling.Client;

namespace WebRtcPS.Bench.Peers;

/// <summary>The flags of tests/interop/pion-peer that this peer understands (same names, same defaults).</summary>
internal sealed record PeerOptions
{
    public string Role = "answerer";
    public string Addr = "http://127.0.0.1:8080";
    public string Id = "";
    public string RemoteId = "";
    public string Label = "testChannel";
    public string Mode = "hello";
    public bool LoopbackOnly;
    public bool Ordered = true;
    public int MaxRetransmits = -1;
    public int MaxPacketLifeTime = -1;
    public long Bytes;
    public int MsgSize = 16384;
    public int Count = 100;
    public long BufferHigh = 1 << 20;
    public long Seed = 1;
    public TimeSpan Timeout = TimeSpan.FromSeconds(60);
    /// <summary>Ours only: connections made inside this process (offerer and answerer, through the
    /// signaling server) before the measured one, so that its code is jitted.</summary>
    public int Warmup;
    public List<string> IceServers = [];
    public string IceUsername = "";
    public string IcePassword = "";
    public bool RelayOnly;
    /// <summary>Ours only: copy /proc/self/smaps to this file just before exiting (where the
    /// resident set is, mapping by mapping).</summary>
    public string Smaps = "";
    /// <summary>Ours only: this many peer connections (offerer/answerer pairs) in this one process
    /// instead of one (Many.cs).</summary>
    public int Many;
    /// <summary>Bulk over this many data channels in parallel (BulkChannels.cs); 1: one channel, as before.</summary>
    public int Channels = 1;

    public bool IsOfferer => Role == "offerer";

    /// <summary>Go flag syntax: -name value, --name value, -name=value; booleans may omit the value.</summary>
    public static PeerOptions Parse(IReadOnlyList<string> args)
    {
        var o = new PeerOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--peer") continue;
            if (!arg.StartsWith('-')) throw new ArgumentException($"unexpected argument '{arg}'");
            var name = arg.TrimStart('-');
            string? value = null;
            var eq = name.IndexOf('=');
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            bool Bool() => value is null || bool.Parse(value);
            string Value() => value ?? (i + 1 < args.Count ? args[++i] : throw new ArgumentException($"flag -{name} needs a value"));
            switch (name)
            {
                case "role": o.Role = Value(); break;
                case "signaling-addr": o.Addr = Value(); break;
                case "id": o.Id = Value(); break;
                case "remote-id": o.RemoteId = Value(); break;
                case "label": o.Label = Value(); break;
                case "mode": o.Mode = Value(); break;
                case "loopback-only": o.LoopbackOnly = Bool(); break;
                case "ordered": o.Ordered = Bool(); break;
                case "max-retransmits": o.MaxRetransmits = int.Parse(Value()); break;
                case "max-packet-life-time": o.MaxPacketLifeTime = int.Parse(Value()); break;
                case "bytes": o.Bytes = long.Parse(Value()); break;
                case "msg-size": o.MsgSize = int.Parse(Value()); break;
                case "count": o.Count = int.Parse(Value()); break;
                case "buffer-high": o.BufferHigh = long.Parse(Value()); break;
                case "seed": o.Seed = long.Parse(Value()); break;
                case "timeout": o.Timeout = GoDuration(Value()); break;
                case "warmup": o.Warmup = int.Parse(Value()); break;
                case "many": o.Many = int.Parse(Value()); break;
                case "channels": o.Channels = int.Parse(Value()); break;
                case "ice-servers": o.IceServers = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]; break;
                case "ice-username": o.IceUsername = Value(); break;
                case "ice-password": o.IcePassword = Value(); break;
                case "relay-only": o.RelayOnly = Bool(); break;
                case "smaps": o.Smaps = Value(); break;
                default: throw new ArgumentException($"flag provided but not defined: -{name}");
            }
        }
        if (o.Role is not ("offerer" or "answerer")) throw new ArgumentException("-role must be offerer or answerer");
        if (o.Id.Length == 0) o.Id = o.IsOfferer ? "offer-peer-1" : "answer-peer-1";
        if (o.RemoteId.Length == 0) o.RemoteId = o.IsOfferer ? "answer-peer-1" : "offer-peer-1";
        if (o.MsgSize <= 0) throw new ArgumentException("-msg-size must be positive");
        if (o.Channels < 1 || (o.Channels > 1 && o.Mode != "bulk")) throw new ArgumentException("-channels must be 1, or more with -mode bulk");
        return o;
    }

    /// <summary>Go's time.ParseDuration for the units a command line uses (h, m, s, ms, us, ns).</summary>
    public static TimeSpan GoDuration(string s)
    {
        var total = TimeSpan.Zero;
        var i = 0;
        if (s == "0") return total;
        while (i < s.Length)
        {
            var j = i;
            while (j < s.Length && (char.IsDigit(s[j]) || s[j] == '.')) j++;
            if (j == i) throw new ArgumentException($"bad duration '{s}'");
            var number = double.Parse(s[i..j], System.Globalization.CultureInfo.InvariantCulture);
            var k = j;
            while (k < s.Length && !char.IsDigit(s[k]) && s[k] != '.') k++;
            total += s[j..k] switch
            {
                "h" => TimeSpan.FromHours(number),
                "m" => TimeSpan.FromMinutes(number),
                "s" => TimeSpan.FromSeconds(number),
                "ms" => TimeSpan.FromMilliseconds(number),
                "us" or "µs" => TimeSpan.FromMicroseconds(number),
                "ns" => TimeSpan.FromTicks((long)(number / 100)),
                var u => throw new ArgumentException($"bad duration unit '{u}' in '{s}'"),
            };
            i = k;
        }
        return total;
    }
}

/// <summary>Writes pion-peer's JSON event lines ({"event", "t_ms", ...}) to stdout, or nowhere.</summary>
internal sealed class Emitter(bool enabled, bool discard = false)
{
    private static readonly long Start = Process.GetCurrentProcess().StartTime.ToUniversalTime() is var t && t.Year > 2000
        ? Stopwatch.GetTimestamp() - (long)((DateTime.UtcNow - t).TotalSeconds * Stopwatch.Frequency)
        : Stopwatch.GetTimestamp();
    private static readonly object Gate = new();
    private static readonly Stream Stdout = Console.OpenStandardOutput();

    public static readonly Emitter Silent = new(false);

    /// <summary>Builds every line and throws it away: for warm-up connections, so that the measured
    /// one runs jitted event printing too (a JIT peer warmed with <see cref="Silent"/> compiled the
    /// JSON of its first channel_open, ~1.6 ms of CPU, inside the measured setup, and on 2 busy
    /// cores that delayed the other peer as well: the warm pair's DCEP span was 2-3 ms, AOT's 0.4).</summary>
    public static readonly Emitter Discarding = new(true, discard: true);

    public static double SinceStartMs => Stopwatch.GetElapsedTime(Start).TotalMilliseconds;

    public void Emit(string ev, Dictionary<string, object?>? fields = null)
    {
        if (!enabled) return;
        fields ??= [];
        fields["event"] = ev;
        fields["t_ms"] = Math.Round(SinceStartMs, 3);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(fields, PeerJson.Default.DictionaryStringObject);
        if (discard) return;
        lock (Gate)
        {
            Stdout.Write(bytes);
            Stdout.WriteByte((byte)'\n');
            Stdout.Flush();
        }
    }
}

/// <summary>
/// The pion-peer test program re-created on the WebRtcPS engine: RTCPeerConnection and
/// SignalingClient used the way tests/interop/pion-peer/main.go uses pion (same signaling, same
/// modes, same JSON events, same bulk end/done markers), so that either program can stand in for
/// the other in a pairing.
/// </summary>
internal sealed partial class Peer
{
    private const string OffererGreeting = "Hello from the Offerer!";
    private const string AnswererGreeting = "Hello from the Answerer!";
    private const string BulkEndPrefix = "__bulk_end__ ";
    private const string BulkDonePrefix = "__bulk_done__ ";

    private static readonly FieldInfo? SctpField = typeof(RTCPeerConnection).GetField("_sctp", BindingFlags.NonPublic | BindingFlags.Instance);

    private readonly PeerOptions _o;
    private readonly Emitter _out;
    private readonly TaskCompletionSource<Dictionary<string, object?>> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _localOfferSet = new(TaskCreationOptions.RunContinuationsAsynchronously);   // the offerer's offer is its local description
    // Posted in order by one loop, as pion-peer's one goroutine does; the loop continues on the
    // thread that queues into it while it waits (AllowSynchronousContinuations), so an offer or a
    // candidate starts its POST at once instead of after a thread-pool wake-up (0.3-0.9 ms at load
    // 10-20, on the setup's critical path), as a goroutine hand-off would.
    private readonly Channel<SignalingMessage> _outbox = Channel.CreateUnbounded<SignalingMessage>(new() { SingleReader = true, AllowSynchronousContinuations = true });
    private readonly CancellationTokenSource _life = new();
    private RTCPeerConnection? _pc;
    private PendingCandidateBuffer? _pending;
    private long _offerTimestamp;
    private GcSnapshot _gcAtStart;   // the offerer's at its offer, the answerer's when the offer comes
    private readonly BulkGroup? _group;

    public Peer(PeerOptions options, Emitter output)
    {
        _o = options;
        _out = output;
        if (options.Channels > 1) _group = new BulkGroup(this, options.Channels);
    }

    /// <summary>Awaited after the mode's result and before the connection closes (Many.cs keeps every peer open).</summary>
    public Func<Dictionary<string, object?>, Task>? BeforeClose { get; init; }

    /// <summary>Setup of the measured connection (offerer: offer created → channel open).</summary>
    public double? SetupMs { get; private set; }

    public static async Task<int> MainAsync(IReadOnlyList<string> args)
    {
        PeerOptions o;
        try
        {
            o = PeerOptions.Parse(args);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }
        var output = new Emitter(true);
        for (var i = 0; i < o.Warmup; i++)
        {
            var suffix = $"~warm{i}-{Environment.ProcessId}";
            var off = new Peer(o with { Role = "offerer", Mode = "hello", Id = o.Id + suffix + "o", RemoteId = o.Id + suffix + "a", Warmup = 0, Timeout = TimeSpan.FromSeconds(30) }, Emitter.Discarding);
            var ans = new Peer(o with { Role = "answerer", Mode = "hello", Id = o.Id + suffix + "a", RemoteId = o.Id + suffix + "o", Warmup = 0, Timeout = TimeSpan.FromSeconds(30) }, Emitter.Discarding);
            var sw = Stopwatch.StartNew();
            var results = await Task.WhenAll(ans.RunAndCloseAsync(), off.RunAndCloseAsync());
            output.Emit("warmup", new() { ["index"] = i, ["ok"] = results.All(r => r["ok"] is true), ["setup_ms"] = off.SetupMs, ["ms"] = sw.Elapsed.TotalMilliseconds });
        }
        if (o.Many > 0) return await Many.RunAsync(o, output);
        SetupTrace.Take();   // the warm-up connections' marks
        var peer = new Peer(o, output);
        var res = await peer.RunAndCloseAsync();
        if (SetupTrace.Enabled) output.Emit("setup_trace", new() { ["marks"] = TraceLines() });
        // What this process JIT-compiled in all (warm-ups included): what ReadyToRun images left to
        // the JIT (README "ReadyToRun JIT peer"); 0 in the Native AOT peer.
        res["jit_methods"] = System.Runtime.JitInfo.GetCompiledMethodCount();
        res["jit_ms"] = Math.Round(System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds, 1);
        output.Emit("result", res);
        if (o.Smaps.Length > 0) File.Copy("/proc/self/smaps", o.Smaps, overwrite: true);
        return res["ok"] is true ? 0 : 1;
    }

    internal async Task<Dictionary<string, object?>> RunAndCloseAsync()
    {
        Dictionary<string, object?> res;
        try
        {
            res = await RunAsync();
        }
        catch (Exception ex)
        {
            res = Fail($"{ex.GetType().Name}: {ex.Message}");
        }
        res["mode"] = _o.Mode;
        res["role"] = _o.Role;
        if (BeforeClose is { } hold) await hold(res);
        _life.Cancel();
        _outbox.Writer.TryComplete();
        if (_pc is { } pc)
        {
            try
            {
                await pc.CloseAsync().WaitAsync(TimeSpan.FromSeconds(3));
            }
            catch (Exception)
            {
                // exiting anyway
            }
        }
        return res;
    }

    /// <summary>WRTC_SETUP_TRACE=1: the engine's and this peer's marks as "monotonic µs|thread|label|detail"
    /// (one clock for every process of the machine, so the two peers' lines merge; bench/peers/timeline.py).</summary>
    private static string[] TraceLines() =>
        [.. SetupTrace.Take().Select(e => $"{e.Timestamp * 1e6 / Stopwatch.Frequency:F1}|{e.Thread}|{e.Label}|{e.Detail}")];

    private static Dictionary<string, object?> Fail(string reason) => new() { ["ok"] = false, ["reason"] = reason };

    private void Finish(Dictionary<string, object?> res) => _result.TrySetResult(res);

    private static Dictionary<string, object?> Candidate(RTCIceCandidate c) => new()
    {
        ["type"] = c.Type.ToString().ToLowerInvariant(), ["protocol"] = c.Protocol.ToString().ToLowerInvariant(),
        ["address"] = c.Address, ["port"] = c.Port,
    };

    private async Task<Dictionary<string, object?>> RunAsync()
    {
        var o = _o;
        // turn:/turns: servers only (stun: ones are skipped), with the one credential.
        var turn = o.IceServers.Where(u => u.StartsWith("turn", StringComparison.OrdinalIgnoreCase)).ToList();
        var config = new RTCConfiguration
        {
            IceServers = turn.Count == 0 ? [] : [new RTCIceServer { Urls = turn, Username = o.IceUsername, Credential = o.IcePassword }],
            IceTransportPolicy = o.RelayOnly ? RTCIceTransportPolicy.Relay : RTCIceTransportPolicy.All,
            Ice = RTCConfiguration.DefaultIce with
            {
                IncludeLoopback = o.LoopbackOnly,
                EnableIPv6 = !o.LoopbackOnly,
                InterfaceFilter = o.LoopbackOnly ? static a => a.IsLoopback && a.Address.AddressFamily == AddressFamily.InterNetwork : null,
            },
            // The bench's coturn has a self-signed certificate.
            Turn = new TurnSettings { SkipCertificateCheck = true },
        };
        var pc = new RTCPeerConnection(config);
        _pc = pc;
        _pending = new PendingCandidateBuffer(pc);

        pc.OnIceCandidate += (_, e) =>
        {
            if (e.Candidate is not { } c)
            {
                _out.Emit("gathering_complete");
                return;
            }
            SetupTrace.Mark("bench.candidate");
            var line = e.CandidateLine!;
            var f = Candidate(c);
            f["source"] = "local";
            f["candidate"] = line;
            f["priority"] = c.Priority;
            _out.Emit("candidate", f);
            Post(SignalingMessage.Candidate, line);
        };
        pc.OnIceConnectionStateChange += (_, s) => _out.Emit("state", new() { ["kind"] = "ice", ["state"] = s.ToWireName() });
        pc.OnConnectionStateChange += (_, s) =>
        {
            _out.Emit("state", new() { ["kind"] = "peer", ["state"] = s.ToWireName() });
            if (s == RTCPeerConnectionState.Failed) Finish(Fail("peer connection failed" + (pc.FailureReason is { } r ? ": " + r : "")));
        };
        pc.OnSignalingStateChange += (_, s) => _out.Emit("state", new() { ["kind"] = "signaling", ["state"] = s.ToWireName() });
        pc.OnIceGatheringStateChange += (_, s) => _out.Emit("state", new() { ["kind"] = "gathering", ["state"] = s.ToString().ToLowerInvariant() });
        _ = Task.Run(() => PumpEventsAsync(pc, _life.Token));

        // The receive stream first (the original registers, then acts), then the sender loop.
        using var signaling = new SignalingClient(new Uri(o.Addr), o.Id);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        signaling.ConnectionChanged += up =>
        {
            if (up) ready.TrySetResult();
        };
        var receive = Task.Run(() => ReceiveLoopAsync(signaling, _life.Token));
        var first = await Task.WhenAny(ready.Task, receive, Task.Delay(o.Timeout));
        if (first != ready.Task)
        {
            return first == receive && receive.Exception is { } ex
                ? Fail("GET /receive: " + ex.GetBaseException().Message)
                : Fail($"GET /receive: not open after {o.Timeout.TotalSeconds:0.#} s");
        }
        _ = Task.Run(() => SendLoopAsync(signaling, _life.Token));
        _out.Emit("ready", new() { ["role"] = o.Role, ["id"] = o.Id, ["remote_id"] = o.RemoteId, ["mode"] = o.Mode });

        if (o.IsOfferer)
        {
            var init = new RTCDataChannelInit
            {
                Ordered = o.Ordered,
                MaxRetransmits = o.MaxRetransmits >= 0 ? (ushort)o.MaxRetransmits : null,
                MaxPacketLifeTime = o.MaxPacketLifeTime >= 0 ? (ushort)o.MaxPacketLifeTime : null,
            };
            for (var i = 0; i < o.Channels; i++) Attach(pc.CreateDataChannel(o.Channels > 1 ? $"{o.Label}-{i}" : o.Label, init));
            var offer = pc.CreateOffer();
            _gcAtStart = GcSnapshot.Now();
            JitTrace.Mark("offer");
            Volatile.Write(ref _offerTimestamp, Stopwatch.GetTimestamp());
            SetupTrace.Mark("bench.offer-created");
            // Queued before SetLocalDescription starts gathering, so it precedes every candidate; an
            // answer that comes back before the description is set waits for it (ReceiveLoopAsync).
            Post(SignalingMessage.Offer, offer.Sdp);
            pc.SetLocalDescription(offer);
            _localOfferSet.TrySetResult();
            SetupTrace.Mark("bench.offer-set");
        }
        else
        {
            pc.OnDataChannel += (_, dc) =>
            {
                SetupTrace.Mark("bench.ondatachannel");
                Attach(dc);
            };
        }

        var done = await Task.WhenAny(_result.Task, Task.Delay(o.Timeout));
        return done == _result.Task ? _result.Task.Result : Fail($"timeout after {o.Timeout.TotalSeconds:0.#}s");
    }

    /// <summary>Reads the connection's ordered event stream (so it does not grow) and reports the selected pair.</summary>
    private async Task PumpEventsAsync(RTCPeerConnection pc, CancellationToken ct)
    {
        try
        {
            await foreach (var e in pc.Events.ReadAllAsync(ct))
            {
                if (e is PeerConnectionIceEvent { Ice: IceSelectedCandidatePairChangedEvent { Pair: { } pair } })
                    _out.Emit("selected_pair", new() { ["local"] = Candidate(pair.Local), ["remote"] = Candidate(pair.Remote) });
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Post(string type, string content) =>
        _outbox.Writer.TryWrite(new SignalingMessage { Type = type, Content = content, To = _o.RemoteId, From = _o.Id });

    private async Task SendLoopAsync(SignalingClient client, CancellationToken ct)
    {
        try
        {
            await foreach (var m in _outbox.Reader.ReadAllAsync(ct))
            {
                SetupTrace.Mark("sig.post", m.Type);
                await client.SendAsync(m, ct);
                SetupTrace.Mark("sig.posted", m.Type);
                _out.Emit("signal", new() { ["direction"] = "out", ["type"] = m.Type });
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            Finish(Fail("POST /send: " + ex.Message));
        }
    }

    private async Task ReceiveLoopAsync(SignalingClient client, CancellationToken ct)
    {
        try
        {
            await foreach (var m in client.ReceiveAsync(ct))
            {
                SetupTrace.Mark("sig.recv", m.Type);
                if (m.Type == SignalingMessage.Answer) await _localOfferSet.Task;
                _out.Emit("signal", new() { ["direction"] = "in", ["type"] = m.Type, ["from"] = m.From });
                Handle(m);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            _out.Emit("signaling_closed", new() { ["error"] = ex.Message });
            throw;
        }
    }

    private void Handle(SignalingMessage m)
    {
        var pc = _pc!;
        try
        {
            switch (m.Type)
            {
                case SignalingMessage.Offer:
                    _gcAtStart = GcSnapshot.Now();
                    if (_o.IsOfferer)
                    {
                        _out.Emit("error", new() { ["error"] = "offerer got an offer; ignored" });
                        return;
                    }
                    pc.SetRemoteDescription(new RTCSessionDescription(RTCSdpType.Offer, m.Content));
                    _pending!.Flush();
                    var answer = pc.CreateAnswer();
                    SetupTrace.Mark("bench.answer-created");
                    Post(SignalingMessage.Answer, answer.Sdp);
                    pc.SetLocalDescription(answer);
                    SetupTrace.Mark("bench.answer-set");
                    break;
                case SignalingMessage.Answer:
                    pc.SetRemoteDescription(new RTCSessionDescription(RTCSdpType.Answer, m.Content));
                    _pending!.Flush();
                    SetupTrace.Mark("bench.answer-applied");
                    break;
                case SignalingMessage.Candidate:
                    var held = pc.RemoteDescription is null;
                    _out.Emit("candidate", new() { ["source"] = "remote", ["candidate"] = m.Content, ["held"] = held });
                    try
                    {
                        _pending!.Add(m.Content);
                    }
                    catch (Exception ex) when (ex is RTCDomException or FormatException or ArgumentException)
                    {
                        _out.Emit("error", new() { ["error"] = "AddICECandidate: " + ex.Message, ["candidate"] = m.Content });
                    }
                    break;
                default:
                    _out.Emit("error", new() { ["error"] = "unknown signaling message type " + m.Type });
                    break;
            }
        }
        catch (Exception ex) when (ex is RTCDomException or FormatException or ArgumentException or InvalidOperationException)
        {
            Finish(Fail($"{m.Type}: {ex.Message}"));
        }
    }

    // ---- data channel and modes ----

    private interface IMode
    {
        void Open(RTCDataChannel dc);
        void Message(RTCDataChannel dc, RTCDataChannelMessage m);
        void Closed();
    }

    private void Attach(RTCDataChannel dc)
    {
        IMode mode = _o.Mode switch
        {
            "hello" => new HelloMode(this),
            "echo" => new EchoMode(this),
            "ping" => new PingMode(this),
            "bulk" when _o.Bytes > 0 => _group is { } g ? new BulkSender(this, g.Index(dc.Label), g) : new BulkSender(this, 0, null),
            "bulk" => new BulkReceiver(this, _group?.Index(dc.Label) ?? 0),
            _ => throw new ArgumentException("unknown -mode " + _o.Mode),
        };
        var opened = 0;
        void OnOpen()
        {
            if (Interlocked.Exchange(ref opened, 1) != 0) return;
            SetupTrace.Mark("bench.open");
            var f = new Dictionary<string, object?> { ["label"] = dc.Label, ["ordered"] = dc.Ordered };
            var offerAt = Volatile.Read(ref _offerTimestamp);
            if (offerAt != 0)
            {
                SetupMs = Stopwatch.GetElapsedTime(offerAt).TotalMilliseconds;
                f["setup_ms"] = SetupMs;
            }
            // Collections during the setup and their pause: a gen0 GC stops every thread of the
            // process for ~1-2 ms, as much as a third of a warm setup.
            var gc = GcSnapshot.Now() - _gcAtStart;
            f["gc_collections"] = gc.Collections;
            f["gc_pause_ms"] = gc.PauseMs;
            // Methods compiled during the setup (tier 0 for what ReadyToRun left out, tier 1 for
            // what reached 30 calls) and the JIT's time on them, on every thread.
            f["jit_methods"] = gc.JitMethods;
            f["jit_ms"] = gc.JitMs;
            JitTrace.Mark("open");
            if (dc.Id is { } id) f["id"] = id;
            if (dc.MaxRetransmits is { } mr) f["max_retransmits"] = mr;
            if (dc.MaxPacketLifeTime is { } pl) f["max_packet_life_time"] = pl;
            _out.Emit("channel_open", f);
            _ = Task.Run(() => mode.Open(dc));
        }
        dc.OnOpen += (_, _) => OnOpen();
        dc.OnMessage += (_, m) => mode.Message(dc, m);
        dc.OnClose += (_, _) =>
        {
            _out.Emit("channel_close", new() { ["label"] = dc.Label });
            mode.Closed();
        };
        if (dc.ReadyState == RTCDataChannelState.Open) OnOpen();
    }

    private void MessageEvent(RTCDataChannel dc, RTCDataChannelMessage m)
    {
        var f = new Dictionary<string, object?> { ["label"] = dc.Label, ["is_string"] = m.IsText, ["length"] = m.Data.Length };
        if (m.IsText && m.Data.Length <= 1024) f["text"] = m.Text;
        _out.Emit("message", f);
    }

    private void SendText(RTCDataChannel dc, string text)
    {
        dc.Send(text);
        _out.Emit("sent", new() { ["label"] = dc.Label, ["text"] = text });
    }

    /// <summary>
    /// Waits (at most <paramref name="limit"/>) until what we sent has been acknowledged by the
    /// remote's SCTP (nothing buffered, nothing in flight) or the channel is no longer open, so that
    /// exiting does not cut off our last message. pion's bufferedAmount only falls on SACK; ours falls
    /// when a chunk is transmitted, so bytes in flight are read from the association as well.
    /// </summary>
    private async Task WaitDrainedAsync(RTCDataChannel dc, TimeSpan limit)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        var sctp = _pc is { } pc ? SctpField?.GetValue(pc) as SctpAssociation : null;
        while (dc.ReadyState == RTCDataChannelState.Open && Stopwatch.GetTimestamp() < deadline)
        {
            if (dc.BufferedAmount == 0)
            {
                if (sctp is null)
                {
                    await Task.Delay(50); // no association to ask: give the SACK a moment
                    return;
                }
                try
                {
                    var stats = await sctp.GetStatisticsAsync().WaitAsync(TimeSpan.FromSeconds(1));
                    if (stats.BytesInFlight == 0 && stats.BufferedAmount == 0) return;
                }
                catch (Exception)
                {
                    return;
                }
            }
            await Task.Delay(5);
        }
    }

    private sealed class HelloMode(Peer p) : IMode
    {
        private readonly object _gate = new();
        private bool _sent, _got, _done;
        private string? _received;

        private (string Mine, string Theirs) Greetings =>
            p._o.IsOfferer ? (OffererGreeting, AnswererGreeting) : (AnswererGreeting, OffererGreeting);

        public void Open(RTCDataChannel dc)
        {
            // Sent counts from the hand-over, before the send returns: a small message leaves on this
            // thread, and the peer's answer and close can be handled (on ICE's receive thread) before
            // this thread runs again; Closed() then took the exchange for unfinished (seen once
            // against pion, 2026-12-04). A send that throws still fails the run: Finish keeps the first result.
            lock (_gate) _sent = true;
            try
            {
                p.SendText(dc, Greetings.Mine);
            }
            catch (Exception ex)
            {
                p.Finish(Fail("send greeting: " + ex.Message));
                return;
            }
            _ = CheckAsync(dc);
        }

        public void Message(RTCDataChannel dc, RTCDataChannelMessage m)
        {
            p.MessageEvent(dc, m);
            var text = m.IsText ? m.Text! : Encoding.UTF8.GetString(m.Data);
            lock (_gate)
            {
                if (!_got)
                {
                    _received = text;
                    _got = true;
                }
            }
            if (text != Greetings.Theirs)
            {
                p.Finish(Fail($"expected greeting \"{Greetings.Theirs}\", got \"{text}\""));
                return;
            }
            _ = Task.Run(() => CheckAsync(dc));
        }

        private async Task CheckAsync(RTCDataChannel dc)
        {
            string? received;
            lock (_gate)
            {
                if (!(_sent && _got && !_done)) return;
                _done = true;
                received = _received;
            }
            await p.WaitDrainedAsync(dc, TimeSpan.FromSeconds(5));
            p.Finish(new() { ["ok"] = true, ["sent"] = Greetings.Mine, ["received"] = received });
        }

        public void Closed()
        {
            lock (_gate)
            {
                if (_sent && _got) p.Finish(new() { ["ok"] = true, ["sent"] = Greetings.Mine, ["received"] = _received });
                else p.Finish(Fail("data channel closed before the greetings were exchanged"));
            }
        }
    }

    private sealed class EchoMode(Peer p) : IMode
    {
        private long _echoed, _bytes;

        public void Open(RTCDataChannel dc)
        {
        }

        public void Message(RTCDataChannel dc, RTCDataChannelMessage m)
        {
            try
            {
                if (m.IsText) dc.Send(m.Text!);
                else dc.Send(m.Data);
            }
            catch (Exception ex)
            {
                p._out.Emit("error", new() { ["error"] = "echo: " + ex.Message });
                return;
            }
            Interlocked.Increment(ref _echoed);
            Interlocked.Add(ref _bytes, m.Data.Length);
        }

        public void Closed() => p.Finish(new() { ["ok"] = true, ["echoed"] = Interlocked.Read(ref _echoed), ["bytes"] = Interlocked.Read(ref _bytes) });
    }

    /// <summary>
    /// -count round trips of -msg-size random binary messages, one at a time. The next message is
    /// sent from the message handler itself (no hop to another thread between an echo and the next
    /// send); a watchdog fails the run when an echo does not come within 10 s.
    /// </summary>
    private sealed class PingMode(Peer p) : IMode
    {
        private readonly object _gate = new();
        private readonly List<double> _rtts = new(p._o.Count);
        private readonly byte[] _buf = new byte[p._o.MsgSize];
        private readonly FastRandom _rng = new(p._o.Seed);
        private long _sentAt;
        private int _index;
        private bool _done;
        private long _lastProgress = Stopwatch.GetTimestamp();

        public void Open(RTCDataChannel dc)
        {
            lock (_gate) SendNext(dc);
            _ = WatchdogAsync();
        }

        private void SendNext(RTCDataChannel dc)
        {
            _rng.Fill(_buf);
            _sentAt = Stopwatch.GetTimestamp();
            dc.Send(_buf);
        }

        public void Message(RTCDataChannel dc, RTCDataChannelMessage m)
        {
            var now = Stopwatch.GetTimestamp();
            lock (_gate)
            {
                if (_done || _sentAt == 0)
                {
                    p._out.Emit("error", new() { ["error"] = "unexpected extra echo" });
                    return;
                }
                _rtts.Add(Stopwatch.GetElapsedTime(_sentAt, now).TotalMilliseconds);
                _lastProgress = now;
                if (!m.Data.AsSpan().SequenceEqual(_buf))
                {
                    _done = true;
                    p.Finish(Fail($"echo {_index} differs from what was sent"));
                    return;
                }
                _index++;
                if (_index < p._o.Count)
                {
                    try
                    {
                        SendNext(dc);
                    }
                    catch (Exception ex)
                    {
                        _done = true;
                        p.Finish(Fail("ping send: " + ex.Message));
                    }
                    return;
                }
                _done = true;
            }
            _ = Task.Run(() => FinishAsync(dc));
        }

        private async Task WatchdogAsync()
        {
            while (true)
            {
                await Task.Delay(500);
                lock (_gate)
                {
                    if (_done) return;
                    if (Stopwatch.GetElapsedTime(_lastProgress).TotalSeconds > 10)
                    {
                        _done = true;
                        p.Finish(Fail($"no echo of message {_index} within 10 s"));
                        return;
                    }
                }
            }
        }

        private async Task FinishAsync(RTCDataChannel dc)
        {
            var sorted = _rtts.OrderBy(x => x).ToArray();
            // Close the channel (stream reset) and give the reset a moment, so the echo peer sees
            // its channel close rather than only the connection going away.
            dc.Close();
            var deadline = Stopwatch.GetTimestamp() + 2 * Stopwatch.Frequency;
            while (dc.ReadyState != RTCDataChannelState.Closed && Stopwatch.GetTimestamp() < deadline) await Task.Delay(5);
            p.Finish(new()
            {
                ["ok"] = true, ["count"] = sorted.Length, ["msg_size"] = p._o.MsgSize,
                ["rtt_p50_ms"] = Percentile(sorted, 0.50), ["rtt_p99_ms"] = Percentile(sorted, 0.99), ["rtt_max_ms"] = sorted[^1],
            });
        }

        public void Closed()
        {
            lock (_gate)
            {
                if (!_done)
                {
                    _done = true;
                    p.Finish(Fail("data channel closed during the ping"));
                }
            }
        }
    }

    /// <summary>pion-peer's percentile: the value at rank round(q·n), 1-based.</summary>
    internal static double Percentile(double[] sorted, double q)
    {
        if (sorted.Length == 0) return 0;
        var i = (int)(q * sorted.Length + 0.5) - 1;
        return sorted[Math.Clamp(i, 0, sorted.Length - 1)];
    }

    /// <summary>Sends -bytes (with -channels, channel <paramref name="index"/>'s share, seeded -seed + index).</summary>
    private sealed class BulkSender(Peer p, int index, BulkGroup? group) : IMode
    {
        private readonly TaskCompletionSource<string> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly SemaphoreSlim _low = new(0, 1);

        public void Open(RTCDataChannel dc) => _ = Task.Run(() => RunAsync(dc));

        private async Task RunAsync(RTCDataChannel dc)
        {
            var o = p._o;
            var high = o.BufferHigh;
            dc.BufferedAmountLowThreshold = high / 2;
            dc.OnBufferedAmountLow += (_, _) =>
            {
                try
                {
                    if (_low.CurrentCount == 0) _low.Release();
                }
                catch (SemaphoreFullException)
                {
                }
            };
            var bytes = group?.Share(index) ?? o.Bytes;
            var rng = new FastRandom(o.Seed + index);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buf = new byte[o.MsgSize];
            group?.Started();
            var t0 = Stopwatch.GetTimestamp();
            long sent = 0, messages = 0;
            try
            {
                while (sent < bytes)
                {
                    var n = (int)Math.Min(o.MsgSize, bytes - sent);
                    var chunk = buf.AsMemory(0, n);
                    rng.Fill(chunk.Span);
                    hash.AppendData(chunk.Span);
                    while (dc.BufferedAmount > high && dc.ReadyState == RTCDataChannelState.Open)
                        await _low.WaitAsync(100); // the event may have fired before we waited
                    dc.Send(chunk);
                    sent += n;
                    messages++;
                }
            }
            catch (Exception ex)
            {
                p.Finish(Fail("bulk send: " + ex.Message));
                return;
            }
            var sum = Convert.ToHexStringLower(hash.GetHashAndReset());
            try
            {
                dc.Send(BulkEndPrefix + JsonSerializer.Serialize(new Dictionary<string, object?> { ["bytes"] = sent, ["messages"] = messages, ["sha256"] = sum }, PeerJson.Default.DictionaryStringObject));
            }
            catch (Exception ex)
            {
                p.Finish(Fail("bulk end marker: " + ex.Message));
                return;
            }
            p._out.Emit("bulk_sent", new() { ["bytes"] = sent, ["messages"] = messages, ["sha256"] = sum, ["ms"] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds });
            var got = await Task.WhenAny(_done.Task, Task.Delay(o.Timeout));
            if (got != _done.Task)
            {
                p.Finish(Fail("no done marker from the receiver"));
                return;
            }
            var seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            JsonElement? theirs = null;
            try
            {
                theirs = JsonDocument.Parse(_done.Task.Result).RootElement.Clone();
            }
            catch (JsonException)
            {
            }
            var res = new Dictionary<string, object?>
            {
                ["ok"] = true, ["bytes"] = sent, ["messages"] = messages, ["msg_size"] = o.MsgSize, ["sha256"] = sum,
                ["seconds"] = seconds, ["mbps"] = sent * 8 / seconds / 1e6, ["receiver"] = theirs,
            };
            var theirSum = theirs is { } t && t.TryGetProperty("sha256", out var s) ? s.GetString() : null;
            if (theirSum != sum && o.Ordered && o.MaxRetransmits < 0 && o.MaxPacketLifeTime < 0)
            {
                res["ok"] = false;
                res["reason"] = "the receiver's SHA-256 differs from the sender's";
            }
            if (group is not null) group.Add(index, res, 0, 0);
            else p.Finish(res);
        }

        public void Message(RTCDataChannel dc, RTCDataChannelMessage m)
        {
            if (m.IsText && m.Text is { } text && text.StartsWith(BulkDonePrefix, StringComparison.Ordinal))
            {
                _done.TrySetResult(text[BulkDonePrefix.Length..]);
                return;
            }
            p.MessageEvent(dc, m);
        }

        public void Closed() => p.Finish(Fail("data channel closed during the bulk transfer"));
    }

    private sealed class BulkReceiver(Peer p, int index) : IMode
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _bytes, _messages, _first, _last;
        private bool _finished;

        public void Open(RTCDataChannel dc)
        {
        }

        public void Message(RTCDataChannel dc, RTCDataChannelMessage m)
        {
            // Messages arrive one at a time, in order, on the channel's event task.
            if (m.IsText && m.Data.AsSpan().StartsWith(Encoding.ASCII.GetBytes(BulkEndPrefix)))
            {
                var text = m.Text!;
                JsonElement? theirs = null;
                try
                {
                    theirs = JsonDocument.Parse(text[BulkEndPrefix.Length..]).RootElement.Clone();
                }
                catch (JsonException)
                {
                }
                _finished = true;
                var sum = Convert.ToHexStringLower(_hash.GetHashAndReset());
                var seconds = (double)(_last - _first) / Stopwatch.Frequency;
                var res = new Dictionary<string, object?>
                {
                    ["ok"] = true, ["bytes"] = _bytes, ["messages"] = _messages, ["sha256"] = sum, ["seconds"] = seconds, ["sender"] = theirs,
                };
                if (seconds > 0) res["mbps"] = _bytes * 8 / seconds / 1e6;
                try
                {
                    dc.Send(BulkDonePrefix + JsonSerializer.Serialize(new Dictionary<string, object?> { ["bytes"] = _bytes, ["messages"] = _messages, ["sha256"] = sum }, PeerJson.Default.DictionaryStringObject));
                }
                catch (Exception ex)
                {
                    p.Finish(Fail("bulk done marker: " + ex.Message));
                    return;
                }
                _ = Task.Run(async () =>
                {
                    await p.WaitDrainedAsync(dc, TimeSpan.FromSeconds(5));
                    if (p._group is { } group) group.Add(index, res, _first, _last);
                    else p.Finish(res);
                });
                return;
            }
            var now = Stopwatch.GetTimestamp();
            if (_messages == 0) _first = now;
            _last = now;
            _hash.AppendData(m.Data);
            _bytes += m.Data.Length;
            _messages++;
        }

        public void Closed()
        {
            if (!Volatile.Read(ref _finished)) p.Finish(Fail("data channel closed before the end marker"));
        }
    }
}

/// <summary>xoshiro256** seeded by splitmix64: seeded, fast payload bytes (the payload only has to
/// be hashed the same on both ends, not to match pion's math/rand stream).</summary>
internal sealed class FastRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public FastRandom(long seed)
    {
        var x = (ulong)seed;
        ulong Next()
        {
            var z = x += 0x9E3779B97F4A7C15;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            return z ^ (z >> 31);
        }
        _s0 = Next();
        _s1 = Next();
        _s2 = Next();
        _s3 = Next();
    }

    private ulong NextULong()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    public void Fill(Span<byte> span)
    {
        var words = MemoryMarshal.Cast<byte, ulong>(span);
        for (var i = 0; i < words.Length; i++) words[i] = NextULong();
        for (var i = words.Length * 8; i < span.Length; i++) span[i] = (byte)NextULong();
    }
}

/// <summary>The process's GC count (all generations) and total pause time, and the methods the JIT
/// compiled (first compilations and tier-1 recompilations) and its time, at one moment.</summary>
internal readonly record struct GcSnapshot(int Collections, double PauseMs, long JitMethods, double JitMs)
{
    public static GcSnapshot Now() => new(GC.CollectionCount(0), GC.GetTotalPauseDuration().TotalMilliseconds,
        System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds);

    public static GcSnapshot operator -(GcSnapshot a, GcSnapshot b) =>
        new(a.Collections - b.Collections, a.PauseMs - b.PauseMs, a.JitMethods - b.JitMethods, a.JitMs - b.JitMs);
}
