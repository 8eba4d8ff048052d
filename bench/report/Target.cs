namespace WebRtcPS.Bench.Report;

/// <summary>
/// An issue-15 target: <paramref name="Text"/> as the table shows it, and the check on our median
/// and its ratio to the reference's median (null ratio when the reference has no figure).
/// </summary>
internal sealed record Target(string Text, Func<double, double?, bool?> Check, double? Line = null, bool LineIsRatio = false, double? AlsoAbsolute = null)
{
    public static Target RatioAtMost(double x) => new($"<= {x:0.##}x", (_, r) => r is { } v ? v <= x : null, x, true);
    public static Target RatioAtLeast(double x) => new($">= {x:0.##}x", (_, r) => r is { } v ? v >= x : null, x, true);
    public static Target RatioBelow(double x) => new($"< {x:0.##}x", (_, r) => r is { } v ? v < x : null, x, true);
    public static Target RatioAbove(double x) => new($"> {x:0.##}x", (_, r) => r is { } v ? v > x : null, x, true);
    public static Target AtMost(double v, string unit) => new($"<= {v:0.##} {unit}", (m, _) => m <= v, v);
}
