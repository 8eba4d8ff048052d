using System.Diagnostics.Tracing;

namespace WebRtcPS.Bench.Peers;

/// <summary>
/// With <c>WRTC_JIT_TRACE=1</c>: which methods the JIT compiled while a peer set up (between its
/// offer and its channel open), printed to stderr when the process exits, one line per method
/// with its tier (the runtime's MethodLoadVerbose events, read in-process). What a warm setup
/// still compiles is what ReadyToRun could not precompile (framework generics over our value
/// types, async state machines) plus the tier-1 recompilations of methods that reached 30 calls.
/// </summary>
internal static class JitTrace
{
    private static readonly Listener? Instance = Environment.GetEnvironmentVariable("WRTC_JIT_TRACE") == "1" ? new Listener() : null;
    private static readonly List<(string Mark, DateTime At)> Marks = [];

    /// <summary>Notes a moment ("offer", "open") of a setup.</summary>
    public static void Mark(string mark)
    {
        if (Instance is null) return;
        lock (Marks) Marks.Add((mark, DateTime.UtcNow));
    }

    private sealed class Listener : EventListener
    {
        private const EventKeywords JitKeyword = (EventKeywords)0x10;
        private readonly List<(DateTime At, int Tier, string Name)> _compiled = [];

        public Listener() => AppDomain.CurrentDomain.ProcessExit += (_, _) => Dump();

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, JitKeyword);
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.EventName is not { } name || !name.StartsWith("MethodLoadVerbose", StringComparison.Ordinal) || e.Payload is not { } payload) return;
            var flags = Convert.ToUInt32(payload[e.PayloadNames!.IndexOf("MethodFlags")]);
            var method = $"{payload[e.PayloadNames.IndexOf("MethodNamespace")]}::{payload[e.PayloadNames.IndexOf("MethodName")]}";
            lock (_compiled) _compiled.Add((e.TimeStamp.ToUniversalTime(), (int)((flags >> 7) & 0x7), method));
        }

        private void Dump()
        {
            List<(string Mark, DateTime At)> marks;
            lock (Marks) marks = [.. Marks];
            lock (_compiled)
            {
                for (var i = 0; i + 1 < marks.Count; i++)
                {
                    if (marks[i].Mark != "offer" || marks[i + 1].Mark != "open") continue;
                    var inside = _compiled.Where(c => c.At >= marks[i].At && c.At <= marks[i + 1].At).ToList();
                    Console.Error.WriteLine($"# jit trace: setup {i / 2}: {inside.Count} methods compiled in {(marks[i + 1].At - marks[i].At).TotalMilliseconds:0.0} ms (tier: 3 = tier 0, 4 = tier 1, 2 = optimized)");
                    foreach (var c in inside) Console.Error.WriteLine($"jit {c.Tier} {c.Name}");
                }
            }
        }
    }
}
