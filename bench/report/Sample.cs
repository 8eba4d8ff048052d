using System.Text.Json;

namespace WebRtcPS.Bench.Report;

/// <summary>
/// One measured value (or one failed run) as the benchmarks write it, a JSON line:
/// {"bench","figure","impl","value","unit","round"} or {..., "error"} instead of a value.
/// </summary>
internal sealed record Sample(string Bench, string Figure, string Impl, double? Value, string? Unit, string? Error, int Round)
{
    public static IEnumerable<Sample> Load(string path)
    {
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var doc = JsonDocument.Parse(line);
            var e = doc.RootElement;
            string? Str(string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            double? value = e.TryGetProperty("value", out var val) && val.ValueKind == JsonValueKind.Number ? val.GetDouble() : null;
            var round = e.TryGetProperty("round", out var r) && r.ValueKind == JsonValueKind.Number ? r.GetInt32() : 0;
            yield return new Sample(Str("bench") ?? "", Str("figure") ?? "", Str("impl") ?? "", value, Str("unit"), Str("error"), round);
        }
    }
}
