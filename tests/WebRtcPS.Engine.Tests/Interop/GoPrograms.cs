using System.Diagnostics;
using System.Collections.Concurrent;

// (Not "...Tests.Interop": that namespace would hide the TestInfrastructure.Interop class in sibling folders.)
namespace WebRtcPS.Engine.Tests.InteropPeers;

/// <summary>
/// Builds the Go interop programs with tests/interop/build-go.sh (GOPATH mode against Debian's
/// pion sources) once per test run and returns their paths. Go missing skips (or, in CI, fails).
/// </summary>
internal static class GoPrograms
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<(string? Path, string Error)>>> Builds = new();

    public static string InteropDir => Path.Combine(Interop.RepoRoot, "tests", "interop");

    /// <summary>The path of the built program <paramref name="name"/> (a folder under tests/interop).</summary>
    public static async Task<string> RequireAsync(string name)
    {
        Interop.Require(Interop.Which("go") is not null, "Go is not installed (apt-get install golang-go golang-github-pion-webrtc.v3-dev)");
        var (path, error) = await Builds.GetOrAdd(name, n => new Lazy<Task<(string?, string)>>(() => BuildAsync(n))).Value;
        if (path is null) Assert.Fail($"building {name} failed:\n{error}");
        return path!;
    }

    private static async Task<(string?, string)> BuildAsync(string name)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(InteropDir, "build-go.sh"));
        psi.ArgumentList.Add(name);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { process.Kill(true); return (null, "build-go.sh timed out after 5 minutes"); }
        var output = (await stdout).Trim();
        var errors = await stderr;
        if (process.ExitCode != 0) return (null, $"exit {process.ExitCode}\n{errors}");
        var path = output.Split('\n').Last().Trim();
        return File.Exists(path) ? (path, "") : (null, $"build-go.sh printed '{output}', which is not a file\n{errors}");
    }
}
