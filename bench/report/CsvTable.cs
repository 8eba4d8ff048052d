using System.Globalization;
using System.Text;

namespace WebRtcPS.Bench.Report;

/// <summary>results.csv: one line per figure and implementation (RFC 4180 quoting).</summary>
internal static class CsvTable
{
    public static string Render(IReadOnlyList<Row> rows)
    {
        var csv = new StringBuilder("figure,title,unit,impl,n,failed,median,p25,p75,min,max,reference,ratio_to_reference,target,verdict,note\n");
        static string N(double v) => double.IsNaN(v) ? "" : v.ToString("0.####", CultureInfo.InvariantCulture);
        static string Q(string? s) => s is null ? "" : "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        foreach (var r in rows)
        {
            foreach (var impl in Figure.Implementations)
            {
                var ours = Figure.OursAll.Contains(impl);
                if (r.ByImpl.TryGetValue(impl, out var s))
                {
                    csv.AppendLine(string.Join(',', r.Figure.Key, Q(r.Figure.Title), Q(r.Figure.Unit), impl, s.N, s.Failed, N(s.Median), N(s.P25), N(s.P75), N(s.Min), N(s.Max),
                        r.Figure.Reference, ours && r.RatioOf(impl) is { } x ? N(x) : "", Q(ours ? r.Figure.Target?.Text : null), ours ? r.VerdictOf(impl) : "", Q(s.FirstError)));
                }
                else if (r.Figure.NotAvailable?.TryGetValue(impl, out var why) == true)
                {
                    csv.AppendLine(string.Join(',', r.Figure.Key, Q(r.Figure.Title), Q(r.Figure.Unit), impl, 0, 0, "", "", "", "", "", r.Figure.Reference, "", "", "n/a", Q(why)));
                }
            }
        }
        return csv.ToString();
    }
}
