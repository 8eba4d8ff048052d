namespace WebRtcPS.Bench.Report;

/// <summary>One figure's statistics per implementation, our ratio to the reference, and the verdict.</summary>
internal sealed record Row(Figure Figure, IReadOnlyDictionary<string, Stats> ByImpl, double? ReferenceMedian, double? Ratio, bool? Met)
{
    public static Row Of(Figure f, IReadOnlyList<Sample> samples)
    {
        var byImpl = new Dictionary<string, Stats>();
        foreach (var g in samples.Where(s => s.Figure == f.Key).GroupBy(s => s.Impl))
            if (Stats.Of([.. g]) is { } st) byImpl[g.Key] = st;
        double? reference = null;
        if (f.ReferenceFastMode)
        {
            // pion's setup is bimodal (~10 ms, or ~1 s when it waits out its peer-reflexive
            // acceptance delay): the target is against its fast mode.
            var fast = samples.Where(s => s.Figure == f.Key && s.Impl == f.Reference && s.Value < 500).Select(s => s.Value!.Value).Order().ToArray();
            if (fast.Length > 0) reference = Stats.Quantile(fast, 0.5);
        }
        else if (byImpl.TryGetValue(f.Reference, out var r) && r.N > 0)
        {
            reference = r.Median;
        }
        double? ratio = null;
        bool? met = null;
        if (byImpl.TryGetValue(Figure.Ours, out var ours) && ours.N > 0)
        {
            if (reference is { } rm && rm > 0) ratio = ours.Median / rm;
            met = f.Target?.Check(ours.Median, ratio);
        }
        return new Row(f, byImpl, reference, ratio, met);
    }

    /// <summary>"median (p25–p75, n)", the failure, or n/a with its reason.</summary>
    public string Cell(string impl, bool withReason = true)
    {
        var na = Figure.NotAvailable?.TryGetValue(impl, out var reason) == true ? reason : null;
        if (ByImpl.TryGetValue(impl, out var s) && (s.N > 0 || na is null))
        {
            if (s.N == 0) return $"failed ({s.Failed}): {s.FirstError}";
            var failed = s.Failed > 0 ? $", {s.Failed} failed" : "";
            return s.N == 1 ? $"{Fmt(s.Median)} (n=1{failed})" : $"{Fmt(s.Median)} ({Fmt(s.P25)}–{Fmt(s.P75)}, n={s.N}{failed})";
        }
        if (na is not null) return withReason ? $"n/a: {na}" : "n/a";
        return "not run";
    }

    public string Verdict => Figure.Target is null ? "" : Met switch
    {
        true => "met",
        false => "not met",
        null when Figure.ReferenceFastMode && ReferenceMedian is null => "no pion fast-mode run to compare with",
        null => "no figure",
    };

    public static string Fmt(double v) => v switch
    {
        >= 1000 => v.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
        >= 10 => v.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture),
        >= 1 => v.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture),
        _ => v.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture),
    };
}
