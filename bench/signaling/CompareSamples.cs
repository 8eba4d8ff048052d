using System.Text.Json;

namespace WebRtcPS.Bench.Signaling;

/// <summary>
/// --compare --samples PATH: every round's figures as JSON lines for bench/report,
/// {"bench":"signaling","figure","impl" (webrtcps or go),"value","unit","round"}.
/// </summary>
internal static class CompareSamples
{
    public static void Append(string path, IEnumerable<ServerRun> runs)
    {
        var lines = new List<string>();
        foreach (var r in runs)
        {
            var impl = r.Server == "ours" ? "webrtcps" : "go";
            void Add(string figure, double value, string unit) => lines.Add(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["bench"] = "signaling", ["figure"] = figure, ["impl"] = impl, ["value"] = Math.Round(value, 4), ["unit"] = unit, ["round"] = r.Round,
            }));
            Add("signaling_flood_rate", r.Flood.MessagesPerSecond, "msgs/s");
            Add("signaling_flood_p99", r.Flood.P99, "ms");
            Add("signaling_pingpong_p99", r.PingPong.P99, "ms");
            Add("signaling_idle_peak_rss", r.Idle.PeakRssMiB, "MiB");
            Add("signaling_idle_open", r.Idle.Open, "streams");
        }
        File.AppendAllLines(path, lines);
    }
}
