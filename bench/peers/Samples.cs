using System.Text.Json;

namespace WebRtcPS.Bench.Peers;

/// <summary>
/// The machine-readable output bench/report collects: one JSON line per measured value,
/// {"bench","figure","impl","value","unit","round"}, appended to samples.jsonl in the run's
/// output directory as each run ends (a run cut short still leaves what it measured).
/// </summary>
internal static class Samples
{
    private static string? _path;
    private static readonly object Gate = new();

    public static void Open(string path) => _path = path;

    public static void Add(string bench, string figure, string impl, double? value, string unit, int round)
    {
        if (_path is null || value is not { } v || double.IsNaN(v)) return;
        var line = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["bench"] = bench, ["figure"] = figure, ["impl"] = impl, ["value"] = Math.Round(v, 4), ["unit"] = unit, ["round"] = round,
        });
        lock (Gate) File.AppendAllText(_path, line + "\n");
    }

    /// <summary>A run that failed: the report shows the reason instead of a figure.</summary>
    public static void Fail(string bench, string figure, string impl, string reason, int round)
    {
        if (_path is null) return;
        var line = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["bench"] = bench, ["figure"] = figure, ["impl"] = impl, ["error"] = reason.Length > 200 ? reason[..200] : reason, ["round"] = round,
        });
        lock (Gate) File.AppendAllText(_path, line + "\n");
    }
}
