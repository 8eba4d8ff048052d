using WebRtcPS.Bench.Report;

// BenchReport DIR: reads DIR/samples*.jsonl (the benchmarks' lines) and DIR/run.json (the suite's
// record of the run), writes DIR/results.md, DIR/results.csv and DIR/<figure>.png.
if (args.Length != 1 || !Directory.Exists(args[0]))
{
    Console.Error.WriteLine("usage: BenchReport RESULTS_DIR   (holding samples*.jsonl and run.json)");
    return 2;
}
var dir = args[0];
var samples = Directory.GetFiles(dir, "samples*.jsonl").Order(StringComparer.Ordinal).SelectMany(Sample.Load).ToList();
var rows = Figure.All.Select(f => Row.Of(f, samples)).ToList();
var loadsFile = Path.Combine(dir, "loads.txt");
var loads = File.Exists(loadsFile) ? File.ReadAllLines(loadsFile).Where(l => l.Length > 0).ToList() : [];
var plots = Plots.Write(rows, dir);
File.WriteAllText(Path.Combine(dir, "results.md"), MarkdownTable.Render(rows, RunInfo.Load(Path.Combine(dir, "run.json")), plots, loads));
File.WriteAllText(Path.Combine(dir, "results.csv"), CsvTable.Render(rows));
Console.WriteLine($"{samples.Count} samples -> {Path.Combine(dir, "results.md")}, results.csv, {plots.Count} plots");
foreach (var r in rows.Where(r => r.Figure.Target is not null))
    Console.WriteLine($"  {r.Figure.Title,-60} {r.Figure.Target!.Text,-24} " + string.Join("  ", Figure.OursAll.Where(r.ByImpl.ContainsKey)
        .Select(i => $"{Figure.Heading(i)}: {(r.RatioOf(i) is { } x ? $"{x:0.00}x " : "")}{r.VerdictOf(i)}")));
return 0;
