using System.Diagnostics.Tracing;

namespace WebRtcPS.Bench.DataChannel;

/// <summary>--alloc-profile: samples allocations through the runtime's GC AllocationTick event (one
/// event per ~100 KB allocated) and prints the types that were allocated most, with the sampled
/// volume, to stderr. Sampled, so the figures are indicative.</summary>
internal sealed class AllocationProfiler : EventListener
{
    private readonly Dictionary<string, long> _bytes = [];
    private readonly object _gate = new();

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1); // GC keyword
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is not "GCAllocationTick_V4" and not "GCAllocationTick_V3" || e.Payload is null) return;
        var name = e.PayloadNames!.IndexOf("TypeName") is var i and >= 0 ? e.Payload[i] as string ?? "?" : "?";
        var amount = e.PayloadNames.IndexOf("AllocationAmount64") is var j and >= 0 ? Convert.ToInt64(e.Payload[j], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        lock (_gate) _bytes[name] = _bytes.GetValueOrDefault(name) + amount;
    }

    public void Report(TextWriter writer)
    {
        lock (_gate)
        {
            var total = _bytes.Values.Sum();
            writer.WriteLine($"allocation samples: {total / 1048576.0:F0} MiB sampled");
            foreach (var (type, bytes) in _bytes.OrderByDescending(kv => kv.Value).Take(15))
                writer.WriteLine($"  {bytes * 100.0 / total,5:F1}%  {type}");
        }
    }
}
