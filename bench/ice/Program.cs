// ICE time on loopback: two IceAgents (controlling, controlled) on 127.0.0.1 exchange parameters
// and trickle candidates directly; measured from the first connectivity check either sends to the
// controlling agent's selected pair. Median of --runs runs after --warmup, per timer profile.
using System.Diagnostics;
using System.Text.Json;
using WebRtcPS.Engine.Ice;

var runs = ArgInt("--runs", 31);
var warmup = ArgInt("--warmup", 3);
var json = args.Contains("--json");

var profiles = new (string Name, Func<RTCIceRole, IceAgentOptions> Options)[]
{
    ("rfc-default (Ta 50 ms)", role => new IceAgentOptions { Role = role, IncludeLoopback = true, EnableIPv6 = false, InterfaceFilter = Loopback }),
    ("Ta 5 ms", role => new IceAgentOptions { Role = role, IncludeLoopback = true, EnableIPv6 = false, InterfaceFilter = Loopback, Ta = TimeSpan.FromMilliseconds(5) }),
    ("Ta 5 ms, nominate without pacing (WebRtcPS peers)", role => new IceAgentOptions
    {
        Role = role, IncludeLoopback = true, EnableIPv6 = false, InterfaceFilter = Loopback,
        Ta = TimeSpan.FromMilliseconds(5), NominateWithoutPacing = true,
    }),
};

var results = new List<object>();
foreach (var (name, options) in profiles)
{
    var samples = new List<double>();
    for (var i = 0; i < warmup + runs; i++)
    {
        var ms = await MeasureOnceAsync(options);
        if (i >= warmup) samples.Add(ms);
    }
    samples.Sort();
    var median = samples[samples.Count / 2];
    results.Add(new { profile = name, runs, median_ms = Math.Round(median, 3), min_ms = Math.Round(samples[0], 3), max_ms = Math.Round(samples[^1], 3) });
    if (!json) Console.WriteLine($"{name,-52} median {median,8:F3} ms   min {samples[0],8:F3}   max {samples[^1],8:F3}   ({runs} runs)");
}
if (json) Console.WriteLine(JsonSerializer.Serialize(new { bench = "ice-time-loopback", results }));
return 0;

static bool Loopback(IceNetworkAddress a) => a.IsLoopback && a.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;

static async Task<double> MeasureOnceAsync(Func<RTCIceRole, IceAgentOptions> options)
{
    await using var controlling = new IceAgent(options(RTCIceRole.Controlling));
    await using var controlled = new IceAgent(options(RTCIceRole.Controlled));
    controlling.SetRemoteParameters(controlled.LocalParameters);
    controlled.SetRemoteParameters(controlling.LocalParameters);

    long firstCheck = 0;
    var selected = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
    using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));

    Task Pump(IceAgent self, IceAgent peer, bool isControlling) => Task.Run(async () =>
    {
        await foreach (var e in self.Events.ReadAllAsync(cts.Token))
        {
            switch (e)
            {
                case IceCandidateGatheredEvent g:
                    peer.AddRemoteCandidate(g.Candidate);
                    break;
                case IceEndOfCandidatesEvent:
                    peer.AddRemoteEndOfCandidates();
                    break;
                case IceCheckSentEvent { Kind: IceCheckKind.Connectivity }:
                    Interlocked.CompareExchange(ref firstCheck, Stopwatch.GetTimestamp(), 0);
                    break;
                case IceSelectedCandidatePairChangedEvent { Pair: not null } when isControlling:
                    selected.TrySetResult(Stopwatch.GetTimestamp());
                    return;
            }
        }
    });

    var pumps = new[] { Pump(controlling, controlled, true), Pump(controlled, controlling, false) };
    controlled.StartGathering();
    controlling.StartGathering();
    var end = await selected.Task.WaitAsync(cts.Token);
    cts.Cancel();
    try { await Task.WhenAll(pumps); } catch (OperationCanceledException) { }
    return Stopwatch.GetElapsedTime(Interlocked.Read(ref firstCheck), end).TotalMilliseconds;
}

int ArgInt(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
}
