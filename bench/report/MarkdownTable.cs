using System.Text;

namespace WebRtcPS.Bench.Report;

/// <summary>results.md: the run's conditions, one table row per figure, the n/a reasons and the plots.</summary>
internal static class MarkdownTable
{
    public static string Render(IReadOnlyList<Row> rows, RunInfo run, IReadOnlyList<string> plots, IReadOnlyList<string> loads)
    {
        var md = new StringBuilder();
        md.AppendLine($"# Benchmark results {run.Started[..Math.Min(10, run.Started.Length)]}");
        md.AppendLine();
        md.AppendLine($"`{run.Command}`{(run.Quick ? " (quick: fewer rounds)" : "")}, {run.Started} to {run.Finished} UTC ({run.Minutes} min), {run.Cores} cores.");
        md.AppendLine($"Load average (1/5/15 min) before: {run.LoadBefore}; after: {run.LoadAfter}. The machine is shared: other builds and tests ran");
        md.AppendLine("during the run, so single figures are noisy; implementations alternate run by run so that load hits all alike.");
        if (loads.Count > 0) md.AppendLine($"Load average as each benchmark started: {string.Join("; ", loads)}.");
        md.AppendLine();
        md.AppendLine("Cells: median (p25–p75, n runs). Ratio: ours / pion's median (signaling: / the Go baseline's). Loopback only.");
        md.AppendLine("WebRtcPS is the engine in a .NET JIT host with the ReadyToRun images the package ships, with the bench's process");
        md.AppendLine("settings (non-concurrent GC, invariant globalization: bench/peers/README.md); \"pwsh settings\" is the same peer with");
        md.AppendLine("pwsh 7.6's runtime settings (concurrent GC, ICU), which is how a stock pwsh hosts the module; \"AOT\" is the same engine");
        md.AppendLine("and peer program compiled with Native AOT (bench/peers/aot): no JIT, no runtime beside it, like pion's Go binary.");
        md.AppendLine();
        var ours = Figure.OursAll;
        md.AppendLine($"| figure | unit | {string.Join(" | ", ours.Select(Figure.Heading))} | pion (signaling: Go baseline) | aiortc | " +
            $"{string.Join(" | ", ours.Select(i => "ratio" + Suffix(i)))} | target (issue 15) | {string.Join(" | ", ours.Select(i => "verdict" + Suffix(i)))} |");
        md.AppendLine($"| --- | --- | {string.Join(" | ", ours.Select(_ => "---"))} | --- | --- | {string.Join(" | ", ours.Select(_ => "---:"))} | --- | {string.Join(" | ", ours.Select(_ => "---"))} |");
        var reasons = new List<string>();
        foreach (var r in rows)
        {
            var reference = r.Figure.Reference == "go" ? "go" : "pion";
            string Cell(string impl)
            {
                var c = r.Cell(impl);
                if (!c.StartsWith("n/a: ", StringComparison.Ordinal)) return c.Replace("|", "/", StringComparison.Ordinal);
                if (!reasons.Contains(c[5..])) reasons.Add(c[5..]);
                return $"n/a [{reasons.IndexOf(c[5..]) + 1}]";
            }
            string Ratio(string impl) => r.RatioOf(impl) is { } x ? $"{x:0.00}x" : "";
            // A column of ours that did not run in this suite stays empty rather than "not run".
            string OursCell(string impl) => impl == Figure.Ours || r.ByImpl.ContainsKey(impl) ? Cell(impl) : "";
            md.AppendLine($"| {r.Figure.Title} | {r.Figure.Unit} | {string.Join(" | ", ours.Select(OursCell))} | {Cell(reference)} | {Cell("aiortc")} | " +
                $"{string.Join(" | ", ours.Select(Ratio))} | {r.Figure.Target?.Text ?? ""} | {string.Join(" | ", ours.Select(r.VerdictOf))} |");
        }
        md.AppendLine();
        var i = 1;
        foreach (var why in reasons) md.AppendLine($"[{i++}] n/a: {why}  ");
        md.AppendLine();
        md.AppendLine("Notes:");
        md.AppendLine();
        foreach (var r in rows.Where(r => r.Figure.Note is not null)) md.AppendLine($"- {r.Figure.Title}: {r.Figure.Note}.");
        var fast = rows.FirstOrDefault(r => r.Figure.ReferenceFastMode);
        if (fast?.ReferenceMedian is { } fm) md.AppendLine($"- pion's fast-mode setup median in this run: {Row.Fmt(fm)} ms.");
        md.AppendLine("- Raw values: results.csv (statistics) and the samples*.jsonl lines they come from.");
        md.AppendLine();
        md.AppendLine("## Plots");
        md.AppendLine();
        md.AppendLine("Boxes: p25–p75 with the median; whiskers: min–max; dashed line: the target where it is absolute or relative to the reference's median.");
        md.AppendLine();
        foreach (var p in plots) md.AppendLine($"![{Path.GetFileNameWithoutExtension(p)}]({p})");
        return md.ToString();
    }

    private static string Suffix(string impl) => impl switch
    {
        Figure.OursPwsh => " pwsh",
        Figure.OursAot => " AOT",
        _ => "",
    };
}
