using System.Text.Json;

namespace WebRtcPS.Engine.Tests.Browser;

/// <summary>
/// WebRtcPS against Chromium 156 (Debian), both roles, and Chromium against Chromium, through our
/// signaling server and its /peer page; everything inside a network namespace the lab makes
/// (<see cref="ChromiumNamespace"/>). Chromium's mDNS hiding is off here unless a test says
/// otherwise, so host candidates carry the lab address.
/// </summary>
[Collection(ChromiumCollection.Name)]
public class ChromiumInteropTests(ChromiumLab lab)
{
    private const int SixteenMiB = 16 * 1024 * 1024;
    private const string Lab = "198.19.240.";

    public static TheoryData<string> Roles => new() { "offerer", "answerer" };

    [SkippableTheory]
    [MemberData(nameof(Roles))]
    public async Task WebRtcPSAndChromiumExchangeTheGreetingsThenAThousandEchoes(string chromiumRole)
    {
        // One connection for both (a browser start costs seconds): greetings first, then echoes.
        var r = await lab.RunAsync(new BrowserScenario { Kind = "echo", ChromiumRole = chromiumRole, Count = 1000 });

        AssertGreetings(r, chromiumRole);
        Assert.Equal(1000, r.GetProperty("echoes").GetInt32());
        // Chromium names its host candidate after its default route: the lab address.
        Assert.Contains(Strings(r, "chromium_local_candidates"), c => c.Contains($" {ChromiumNamespace.Address} ", StringComparison.Ordinal));
        var chromiumPair = r.GetProperty("chromium_selected_pair");
        Assert.Equal("host", chromiumPair.GetProperty("local").GetProperty("type").GetString());
        Assert.Equal(ChromiumNamespace.Address, chromiumPair.GetProperty("local").GetProperty("address").GetString());
        Assert.StartsWith(Lab, chromiumPair.GetProperty("remote").GetProperty("address").GetString());
        var ours = r.GetProperty("webrtcps_selected_pair");
        Assert.Equal("host", ours.GetProperty("local").GetProperty("type").GetString());
        Assert.StartsWith(Lab, ours.GetProperty("local").GetProperty("address").GetString());
        Assert.Equal(ChromiumNamespace.Address, ours.GetProperty("remote").GetProperty("address").GetString());
        Assert.Equal("connected", r.GetProperty("chromium_connection_state").GetString());
        Assert.Empty(Strings(r, "chromium_errors"));
        // Chromium's send side after the greetings (what a failed scenario reports too): its
        // greeting was handed to its SCTP. (Its bufferedAmount is no witness: as the answerer,
        // whose channel our OPEN made, Chromium 156 keeps the greeting's 24 bytes in it for good.)
        var sendSide = r.GetProperty("chromium_send_side");
        Assert.Equal("connected", sendSide.GetProperty("sctpState").GetString());
        var channelStats = sendSide.GetProperty("stats").EnumerateArray().Single(s => s.GetProperty("type").GetString() == "data-channel");
        Assert.Equal(r.GetProperty("webrtcps_received").GetString()!.Length, channelStats.GetProperty("bytesSent").GetInt32());
        Assert.True(channelStats.GetProperty("messagesSent").GetInt32() >= 1);
    }

    public static TheoryData<string, int> BulkCases => new()
    {
        { "offerer", 65535 }, { "answerer", 65535 }, { "offerer", 256 * 1024 }, { "answerer", 256 * 1024 },
    };

    [SkippableTheory]
    [MemberData(nameof(BulkCases))]
    public async Task SixteenMiBGoEachWayIntact(string chromiumRole, int messageSize)
    {
        var r = await lab.RunAsync(new BrowserScenario { Kind = "bulk", ChromiumRole = chromiumRole, Bytes = SixteenMiB, MessageSize = messageSize });
        var messages = (SixteenMiB + messageSize - 1) / messageSize;
        foreach (var direction in new[] { "to_chromium", "from_chromium" })
        {
            var d = r.GetProperty(direction);
            Assert.Equal(SixteenMiB, d.GetProperty("bytes").GetInt32());
            Assert.Equal(messages, d.GetProperty("messages").GetInt32());
            Assert.Equal(d.GetProperty("sha256_sent").GetString(), d.GetProperty("sha256_received").GetString());
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Roles))]
    public async Task AnUnorderedUnreliableChannelWorksBothWays(string chromiumRole)
    {
        var r = await lab.RunAsync(new BrowserScenario { Kind = "unreliable", ChromiumRole = chromiumRole, Count = 200 });
        AssertGreetings(r, chromiumRole);
        foreach (var side in new[] { "webrtcps_channel", "chromium_channel" })
        {
            var channel = r.GetProperty(side);
            Assert.False(channel.GetProperty("ordered").GetBoolean(), side);
            Assert.Equal(0, channel.GetProperty("maxRetransmits").GetInt32());
        }
        // Nothing is lost inside the namespace, but nothing is retransmitted either: most arrive.
        Assert.InRange(r.GetProperty("unreliable_received_by_webrtcps").GetInt32(), 100, 200);
        Assert.InRange(r.GetProperty("unreliable_received_by_chromium").GetInt32(), 100, 200);
    }

    [SkippableTheory]
    [MemberData(nameof(Roles))]
    public async Task RelayOnlyThroughCoturnConnects(string chromiumRole)
    {
        var r = await lab.RunAsync(new BrowserScenario { Kind = "relay", ChromiumRole = chromiumRole });
        AssertGreetings(r, chromiumRole);
        Assert.Equal("relay", r.GetProperty("webrtcps_selected_pair").GetProperty("local").GetProperty("type").GetString());
        Assert.Equal("relay", r.GetProperty("chromium_selected_pair").GetProperty("local").GetProperty("type").GetString());
        Assert.All(Strings(r, "chromium_local_candidates"), c => Assert.Contains(" typ relay", c, StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task TwoChromiumTabsConnectThroughOurServerAndPage()
    {
        var r = await lab.RunAsync(new BrowserScenario { Kind = "browsers" });
        Assert.Equal("Hello from the Offerer!", r.GetProperty("answerer_received").GetString());
        Assert.Equal("Hello from the Answerer!", r.GetProperty("offerer_received").GetString());
        Assert.Equal("connected", r.GetProperty("answerer_connection_state").GetString());
        Assert.Equal("connected", r.GetProperty("offerer_connection_state").GetString());
    }

    /// <summary>
    /// Chromium's default (host addresses behind .local names): it connects, and the pair is
    /// first selected with a peer-reflexive remote, learned from Chromium's check before our
    /// look-up of its name answers (its responder answers a name at most once a second, RFC 6762
    /// §6, and has just announced it); <see cref="ChromiumMdnsHostCandidatesAreResolved"/> sees it
    /// become host. (Under heavy load the answer can come first: then the pair is host, named, from the start.)
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(Roles))]
    public async Task ChromiumHidingItsAddressesBehindMdnsStillConnects(string chromiumRole)
    {
        var r = await lab.RunAsync(new BrowserScenario { Kind = "greetings", ChromiumRole = chromiumRole, HideLocalIpsWithMdns = true });
        AssertGreetings(r, chromiumRole);
        var hosts = Strings(r, "chromium_local_candidates").Where(c => c.Contains(" typ host", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(hosts);
        Assert.All(hosts, c => Assert.Matches(@" [0-9a-f-]{36}\.local \d+ typ host", c));
        var first = r.GetProperty("webrtcps_first_selected_pair").GetProperty("remote");
        var type = first.GetProperty("type").GetString();
        var address = first.GetProperty("address").GetString()!;
        if (type == "prflx") Assert.Equal(ChromiumNamespace.Address, address);
        else
        {
            // The name resolved before Chromium's first check arrived: the signalled host
            // candidate, reported with its name (its address is only where the pair sends).
            Assert.Equal("host", type);
            Assert.Contains(hosts, c => c.Contains($" {address} ", StringComparison.Ordinal));
        }
    }

    /// <summary>Our ICE agent resolves Chromium's .local name (RFC 6762 one-shot query) and the
    /// selected pair's peer-reflexive remote, the same address, becomes the signalled host
    /// candidate (RFC 8445 §7.3.1.3): the selected pair is reported again, host.</summary>
    [SkippableTheory]
    [MemberData(nameof(Roles))]
    public async Task ChromiumMdnsHostCandidatesAreResolved(string chromiumRole)
    {
        var r = await lab.RunAsync(new BrowserScenario { Kind = "greetings", ChromiumRole = chromiumRole, HideLocalIpsWithMdns = true });
        AssertGreetings(r, chromiumRole);
        var remote = r.GetProperty("webrtcps_selected_pair").GetProperty("remote");
        Assert.Equal("host", remote.GetProperty("type").GetString());
        // The signalled candidate, name and all: its address (ChromiumNamespace.Address) is only
        // where the pair sends.
        var name = remote.GetProperty("address").GetString()!;
        Assert.Matches(@"^[0-9a-f-]{36}\.local$", name);
        Assert.Contains(Strings(r, "chromium_local_candidates"), c => c.Contains($" {name} ", StringComparison.Ordinal));
    }

    private static void AssertGreetings(JsonElement r, string chromiumRole)
    {
        var (fromChromium, fromUs) = chromiumRole == "offerer"
            ? ("Hello from the Offerer!", "Hello from the Answerer!")
            : ("Hello from the Answerer!", "Hello from the Offerer!");
        Assert.Equal(fromChromium, r.GetProperty("webrtcps_received").GetString());
        Assert.Equal(fromUs, r.GetProperty("chromium_received").GetString());
    }

    private static string[] Strings(JsonElement r, string name) =>
        [.. r.GetProperty(name).EnumerateArray().Select(e => e.GetString()!)];
}
