using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace WebRtcPS.Commands;

/// <summary>
/// pwsh is a Microsoft.NETCore.App application, so the ASP.NET Core shared framework (Kestrel)
/// is not on its probing path. On import we resolve those assemblies from the shared framework
/// folder whose version matches the running runtime; copying them into the module does not work
/// (they must be the framework's own, loaded once, in the default context).
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly string ModuleDirectory =
        Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? AppContext.BaseDirectory;

    private static readonly Lazy<string?> AspNetCoreDirectory = new(FindAspNetCoreDirectory);

    public void OnImport() => AssemblyLoadContext.Default.Resolving += Resolve;

    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        Peers.PeerRegistry.CloseAll();
        Signaling.SignalingServerRegistry.StopAll();
        AssemblyLoadContext.Default.Resolving -= Resolve;
    }

    private static Assembly? Resolve(AssemblyLoadContext context, AssemblyName name)
    {
        if (name.Name is null) return null;
        // Our own dependencies (BouncyCastle) first, then the ASP.NET Core framework.
        foreach (var dir in new[] { ModuleDirectory, AspNetCoreDirectory.Value })
        {
            if (dir is null) continue;
            var path = Path.Combine(dir, name.Name + ".dll");
            if (File.Exists(path)) return context.LoadFromAssemblyPath(path);
        }
        return null;
    }

    /// <summary>
    /// {dotnet root}/shared/Microsoft.AspNetCore.App/{version}: the exact runtime version if
    /// present, else the highest with the same major.minor (what the host's roll-forward would pick).
    /// </summary>
    internal static string? FindAspNetCoreDirectory()
    {
        var coreDir = RuntimeEnvironment.GetRuntimeDirectory(); // .../shared/Microsoft.NETCore.App/10.0.12/
        var runtimeVersion = Environment.Version;
        var sharedDir = Path.GetFullPath(Path.Combine(coreDir, "..", ".."));
        var aspDir = Path.Combine(sharedDir, "Microsoft.AspNetCore.App");
        if (!Directory.Exists(aspDir)) return null;
        var exact = Path.Combine(aspDir, runtimeVersion.ToString(3));
        if (Directory.Exists(exact)) return exact;
        return Directory.EnumerateDirectories(aspDir)
            .Select(d => (Dir: d, Ok: Version.TryParse(Path.GetFileName(d).Split('-')[0], out var v), V: v))
            .Where(x => x.Ok && x.V!.Major == runtimeVersion.Major && x.V.Minor == runtimeVersion.Minor)
            .OrderByDescending(x => x.V)
            .Select(x => x.Dir)
            .FirstOrDefault();
    }
}
