using System.Text.Json.Nodes;

namespace WebRtcPS.Bench.Peers;

/// <summary>
/// The JIT-hosted builds of our peer that a run can pair (README "ReadyToRun"): the ReadyToRun
/// publish in r2r/ beside this program (PeersBench.csproj makes it after each build on
/// linux-x64), which is what a package user's process runs; this program's own IL (<c>--il</c>);
/// and the ReadyToRun publish with pwsh's runtime settings in place of the bench's
/// (<c>--pwsh-settings</c>), since a module cannot choose the settings of the pwsh that loads it.
/// </summary>
internal static class JitBuilds
{
    /// <summary>This program as the IL peer: its apphost, or dotnet with its dll under <c>dotnet run</c>.</summary>
    public static string[] Il()
    {
        var exe = Environment.ProcessPath!;
        return Path.GetFileNameWithoutExtension(exe) == "dotnet" ? [exe, typeof(JitBuilds).Assembly.Location, "--peer"] : [exe, "--peer"];
    }

    /// <summary>The ReadyToRun peer's apphost, or null when r2r/ was not built (not linux-x64, or PeersReadyToRun=false).</summary>
    public static string? ReadyToRun()
    {
        var bin = Path.Combine(AppContext.BaseDirectory, "r2r", "PeersBench");
        return File.Exists(bin) ? bin : null;
    }

    /// <summary>
    /// A copy of r2r/ in <paramref name="outDir"/> whose runtimeconfig.json has pwsh 7.6's
    /// configProperties (its pwsh.runtimeconfig.json: tiered compilation with quick JIT, nothing
    /// about the GC or globalization, so concurrent workstation GC and ICU) instead of this
    /// project's (non-concurrent GC, invariant globalization).
    /// </summary>
    public static string PwshSettings(string r2rBin, string outDir)
    {
        var source = Path.GetDirectoryName(r2rBin)!;
        var target = Path.Combine(outDir, "r2r-pwsh-settings");
        Directory.CreateDirectory(target);
        // File.Copy keeps the apphost's mode bits on Unix.
        foreach (var f in Directory.GetFiles(source)) File.Copy(f, Path.Combine(target, Path.GetFileName(f)), overwrite: true);
        var configPath = Path.Combine(target, "PeersBench.runtimeconfig.json");
        var config = JsonNode.Parse(File.ReadAllText(configPath))!;
        config["runtimeOptions"]!["configProperties"] = new JsonObject
        {
            ["System.Reflection.Metadata.MetadataUpdater.IsSupported"] = false,
            ["System.Runtime.Serialization.EnableUnsafeBinaryFormatterSerialization"] = false,
            ["System.Runtime.TieredCompilation"] = true,
            ["System.Runtime.TieredCompilation.QuickJit"] = true,
            ["System.Runtime.TieredCompilation.QuickJitForLoops"] = true,
        };
        File.WriteAllText(configPath, config.ToJsonString(new() { WriteIndented = true }));
        return Path.Combine(target, "PeersBench");
    }
}
