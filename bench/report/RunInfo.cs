using System.Text.Json;

namespace WebRtcPS.Bench.Report;

/// <summary>What the suite script records about the run (run.json): when, how long, the machine's load.</summary>
internal sealed record RunInfo(string Started, string Finished, string LoadBefore, string LoadAfter, bool Quick, int Cores, string Command, string Minutes)
{
    public static RunInfo Load(string path)
    {
        if (!File.Exists(path)) return new RunInfo("?", "?", "?", "?", false, Environment.ProcessorCount, "?", "?");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var e = doc.RootElement;
        string Str(string n) => e.TryGetProperty(n, out var v) ? v.ToString() : "?";
        return new RunInfo(Str("started"), Str("finished"), Str("load_before"), Str("load_after"),
            e.TryGetProperty("quick", out var q) && q.ValueKind == JsonValueKind.True, Environment.ProcessorCount, Str("command"), Str("minutes"));
    }
}
