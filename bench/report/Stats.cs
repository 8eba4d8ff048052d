namespace WebRtcPS.Bench.Report;

/// <summary>Median with spread (quartiles and range) of one implementation's values for one figure.</summary>
internal sealed record Stats(int N, int Failed, double Median, double P25, double P75, double Min, double Max, string? FirstError)
{
    public static Stats? Of(IReadOnlyCollection<Sample> samples)
    {
        if (samples.Count == 0) return null;
        var xs = samples.Where(s => s.Value is not null).Select(s => s.Value!.Value).Order().ToArray();
        var errors = samples.Where(s => s.Error is not null).ToList();
        if (xs.Length == 0) return new Stats(0, errors.Count, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, errors.FirstOrDefault()?.Error);
        return new Stats(xs.Length, errors.Count, Quantile(xs, 0.5), Quantile(xs, 0.25), Quantile(xs, 0.75), xs[0], xs[^1], errors.FirstOrDefault()?.Error);
    }

    /// <summary>Linear interpolation between the closest ranks of sorted values.</summary>
    public static double Quantile(double[] sorted, double q)
    {
        var pos = (sorted.Length - 1) * q;
        var lo = (int)Math.Floor(pos);
        var hi = (int)Math.Ceiling(pos);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }
}
