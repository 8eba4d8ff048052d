namespace WebRtcPS.Bench.Report;

/// <summary>One figure's statistics per implementation, and for each of ours (the JIT peer, the
/// Native AOT peer) its ratio to the reference and the verdict.</summary>
internal sealed record Row(Figure Figure, IReadOnlyDictionary<string, Stats> ByImpl, double? ReferenceMedian,
    IReadOnlyDictionary<string, (double? Ratio, bool? Met)> Checks)
{
    /// <summary>The JIT peer's ratio (the module's engine as pwsh hosts it).</summary>
    public double? Ratio => RatioOf(Figure.Ours);

    public double? RatioOf(string impl) => Checks.TryGetValue(impl, out var c) ? c.Ratio : null;

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
        var checks = new Dictionary<string, (double?, bool?)>();
        foreach (var impl in Figure.OursAll)
        {
            if (!byImpl.TryGetValue(impl, out var ours) || ours.N == 0) continue;
            double? ratio = reference is { } rm && rm > 0 ? ours.Median / rm : null;
            checks[impl] = (ratio, f.Target?.Check(ours.Median, ratio));
        }
        return new Row(f, byImpl, reference, checks);
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

    /// <summary>The JIT peer's verdict.</summary>
    public string Verdict => VerdictOf(Figure.Ours);

    public string VerdictOf(string impl) => Figure.Target is null ? "" : (Checks.TryGetValue(impl, out var c) ? c.Met : null) switch
    {
        true => "met",
        false => "not met",
        null when !ByImpl.ContainsKey(impl) => "",
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
