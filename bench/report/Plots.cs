using ScottPlot;

namespace WebRtcPS.Bench.Report;

/// <summary>
/// One PNG per figure that has values: a box per implementation (p25–p75 with the median line,
/// whiskers min–max) and the target as a dashed line (absolute, or the reference's median times
/// the target ratio).
/// </summary>
internal static class Plots
{
    private static readonly Dictionary<string, Color> Colors = new()
    {
        ["webrtcps"] = new Color(0x1f, 0x77, 0xb4), ["webrtcps-aot"] = new Color(0x94, 0x67, 0xbd), ["webrtcps-pwsh"] = new Color(0x17, 0xbe, 0xcf), ["pion"] = new Color(0x2c, 0xa0, 0x2c),
        ["aiortc"] = new Color(0xff, 0x7f, 0x0e), ["go"] = new Color(0x7f, 0x7f, 0x7f),
    };

    /// <summary>Writes the PNGs into <paramref name="dir"/>; returns their file names.</summary>
    public static List<string> Write(IReadOnlyList<Row> rows, string dir)
    {
        var files = new List<string>();
        foreach (var r in rows)
        {
            var impls = Figure.Implementations.Where(i => r.ByImpl.TryGetValue(i, out var s) && s.N > 0).ToArray();
            if (impls.Length == 0) continue;
            var plot = new Plot();
            for (var k = 0; k < impls.Length; k++)
            {
                var s = r.ByImpl[impls[k]];
                var box = new Box
                {
                    Position = k, BoxMin = s.P25, BoxMax = s.P75, BoxMiddle = s.Median, WhiskerMin = s.Min, WhiskerMax = s.Max,
                };
                plot.Add.Box(box);
                box.FillColor = Colors[impls[k]].WithAlpha(0.6); // after Add, which applies the palette
            }
            var lines = new List<double>();
            if (r.Figure.Target is { Line: { } line } target)
            {
                if ((target.LineIsRatio ? r.ReferenceMedian * line : line) is { } y) lines.Add(y);
                if (target.AlsoAbsolute is { } abs) lines.Add(abs);
                foreach (var v in lines)
                {
                    var h = plot.Add.HorizontalLine(v);
                    h.LinePattern = LinePattern.Dashed;
                    h.Color = Colors["webrtcps"];
                }
            }
            plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, impls.Length).Select(i => (double)i)], [.. impls.Select(i => i == "go" ? "go baseline" : i)]);
            plot.Axes.SetLimitsX(-0.7, impls.Length - 0.3);
            plot.Title(r.Figure.Title + (lines.Count > 0 ? $"\n(dashed: target {r.Figure.Target!.Text})" : ""), 13);
            plot.YLabel(r.Figure.Unit);
            var lowest = Math.Min(impls.Min(i => r.ByImpl[i].Min), r.Figure.Target?.Line is not null && !r.Figure.Target.LineIsRatio ? r.Figure.Target.Line.Value : double.MaxValue);
            var highest = Math.Max(impls.Max(i => r.ByImpl[i].Max), lines.Count > 0 ? lines.Max() : 0);
            plot.Axes.SetLimitsY(Math.Min(0, lowest), highest * 1.12 + 1e-9);
            var file = r.Figure.Key + ".png";
            plot.SavePng(Path.Combine(dir, file), 560, 360);
            files.Add(file);
        }
        return files;
    }
}
