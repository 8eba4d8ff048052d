namespace WebRtcPS.Engine.Tests.TestInfrastructure;

/// <summary>
/// Tests that need an external peer or server (Go, pion, aiortc, coturn, Chromium) call
/// <see cref="Require"/>: outside CI a missing dependency skips with the reason printed; with
/// WRTC_REQUIRE_INTEROP=1 (set by .ci/run) it fails instead, so CI can never skip them silently.
/// </summary>
public static class Interop
{
    public static bool Required =>
        Environment.GetEnvironmentVariable("WRTC_REQUIRE_INTEROP") is "1" or "true" or "True";

    /// <summary>Returns the absolute path of <paramref name="program"/> on PATH, or null.</summary>
    public static string? Which(string program)
    {
        if (Path.IsPathRooted(program)) return File.Exists(program) ? program : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            if (dir.Length == 0) continue;
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>Skips (or, in CI, fails) unless <paramref name="available"/>.</summary>
    public static void Require(bool available, string reason)
    {
        if (available) return;
        if (Required) Assert.Fail($"Required interop dependency missing (WRTC_REQUIRE_INTEROP=1): {reason}");
        Skip.If(true, reason);
    }

    /// <summary>The repository root (the folder holding WebRtcPS.slnx).</summary>
    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "WebRtcPS.slnx"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
        }
    }
}
