namespace WebRtcPS.Bench.Report;

/// <summary>
/// A row of the results table: the samples' figure key, what it measures, which implementation
/// it is compared with (pion, or the Go signaling baseline), issue 15's target, and why an
/// implementation has no figure (n/a).
/// </summary>
internal sealed record Figure(string Key, string Title, string Unit, string Reference = "pion", Target? Target = null,
    bool ReferenceFastMode = false, IReadOnlyDictionary<string, string>? NotAvailable = null, string? Note = null)
{
    public const string Ours = "webrtcps";
    /// <summary>The same engine and peer program compiled with Native AOT (bench/peers/aot): no JIT host.</summary>
    public const string OursAot = "webrtcps-aot";
    /// <summary>The ReadyToRun peer with pwsh 7.6's runtime settings (concurrent GC, ICU, quick JIT):
    /// the engine as a stock pwsh hosts the module, whose settings a module cannot choose.</summary>
    public const string OursPwsh = "webrtcps-pwsh";
    public static readonly string[] Implementations = [Ours, OursPwsh, OursAot, "pion", "aiortc", "go"];
    /// <summary>The implementations a target is checked for, in the table's column order.</summary>
    public static readonly string[] OursAll = [Ours, OursPwsh, OursAot];

    /// <summary>Column heading of one of <see cref="OursAll"/>.</summary>
    public static string Heading(string impl) => impl switch
    {
        OursPwsh => "WebRtcPS, pwsh settings",
        OursAot => "WebRtcPS AOT",
        _ => "WebRtcPS",
    };

    private const string OneConnection = "pion-peer and aiortc-peer hold one connection per process (no multi-peer mode)";
    private const string ServerOnly = "a signaling server, not a peer: compared with the Go baseline (tests/interop/go-signaling-server)";

    private static Dictionary<string, string> Na(string reason, params string[] impls) => impls.ToDictionary(i => i, _ => reason);

    /// <summary>Every figure of the suite, in table order.</summary>
    public static readonly Figure[] All =
    [
        new("setup_cold", "setup, cold process (offer created -> channel open)", "ms",
            Note: "a fresh process's first connection (JIT for ours); its target belongs to the install issue"),
        new("setup_warm", "setup, warm process", "ms", Target: Target.RatioAtMost(0.5), ReferenceFastMode: true,
            Note: "ours after one in-process warm-up connection; pion and aiortc have no JIT (their cold runs); ratio against pion's fast mode (runs < 500 ms)"),
        new("rtt_p50", "echo RTT p50, 100-byte messages", "ms", Target: Target.RatioAtMost(1)),
        new("rtt_p99", "echo RTT p99, 100-byte messages", "ms"),
        new("bulk_65535", "bulk, 65,535-byte messages, two processes", "Mbit/s",
            Target: new Target(">= 3x and >= 500 Mbit/s", (m, r) => r is { } v ? v >= 3 && m >= 500 : null, 3, true, 500)),
        new("bulk_262144", "bulk, 256 KiB messages, two processes", "Mbit/s",
            NotAvailable: Na("pion 3.1.56 refuses messages over 65,535 bytes (\"outbound packet larger than maximum message size\")", "pion"),
            Note: "pion's runs are made and fail as the n/a says; aiortc sends a quarter of the bytes (at most 16 MiB) in every bulk figure"),
        new("channels8", "bulk, 8 channels in parallel", "Mbit/s",
            Note: "one connection, 8 data channels, each sending 1/8 of the bytes in 65,535-byte messages at once (-channels 8); sender's rate until the last channel's done marker"),
        new("unordered_rtt_p50", "echo RTT p50, unordered unreliable (maxRetransmits 0)", "ms"),
        new("unordered_rtt_p99", "echo RTT p99, unordered unreliable", "ms"),
        new("relay_turn_udp_setup", "setup relayed, TURN over UDP (coturn)", "ms",
            Note: "relayed setup is a cold process's (ours: with its first connection's JIT), relay-only on both sides; pion waits ~2 s for relayed pairs by design"),
        new("relay_turn_tcp_setup", "setup relayed, TURN over TCP", "ms"),
        new("relay_turn_tls_setup", "setup relayed, TURN over TLS", "ms"),
        new("relay_turn_udp_bulk", "bulk relayed, TURN over UDP, 65,535 B", "Mbit/s"),
        new("relay_turn_tcp_bulk", "bulk relayed, TURN over TCP", "Mbit/s"),
        new("relay_turn_tls_bulk", "bulk relayed, TURN over TLS", "Mbit/s"),
        new("rss_hello", "peak RSS of a hello process (offerer)", "MiB", Target: Target.AtMost(40, "MiB")),
        new("rss_floor", "peak RSS floor: the same process doing only a hello's primitives, no WebRTC", "MiB",
            NotAvailable: Na("a floor of .NET processes (runtime, JIT, framework): pion's and aiortc's hello is their floor", "pion", "aiortc"),
            Note: "a UDP round trip, HMAC-SHA1, SHA-256, P-256 ECDSA and ECDH, AES-GCM and one HttpClient POST of JSON, in our peer's builds and settings (bench/peers RssFloor.cs): no .NET peer on this host goes below it, so the hello's 40 MiB target lies under the JIT builds' floor"),
        new("many_connect_all", "100 peers in one process: time to connect all", "ms", NotAvailable: Na(OneConnection, "pion", "aiortc")),
        new("many_rss", "100 peers in one process: peak RSS", "MiB", NotAvailable: Na(OneConnection, "pion", "aiortc")),
        new("many_rss_per_peer", "100 peers in one process: RSS per extra peer", "MiB", Target: Target.AtMost(2, "MiB"),
            NotAvailable: Na(OneConnection, "pion", "aiortc")),
        new("signaling_flood_rate", "signaling: flood, 100 pairs (msgs/s)", "msgs/s", "go", Target.RatioAbove(1),
            NotAvailable: Na(ServerOnly, "pion", "aiortc")),
        new("signaling_flood_p99", "signaling: flood delivery p99", "ms", "go", Target.RatioBelow(1), NotAvailable: Na(ServerOnly, "pion", "aiortc")),
        new("signaling_pingpong_p99", "signaling: ping-pong delivery p99", "ms", "go", Target.RatioBelow(1), NotAvailable: Na(ServerOnly, "pion", "aiortc")),
        new("signaling_idle_peak_rss", "signaling: peak RSS with 10,000 open /receive streams", "MiB", "go", Target.AtMost(300, "MiB"),
            NotAvailable: Na(ServerOnly, "pion", "aiortc")),
    ];
}
