using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace WebRtcPS.Commands;

/// <summary>
/// The bridge (PowerShell's documented pattern for dependency conflicts). PowerShell loads this
/// assembly, the cmdlets, into its default AssemblyLoadContext (through WebRtcPS.psm1); everything else lives in the
/// module's Dependencies folder, which PowerShell does not probe, and loads in
/// <see cref="ModuleLoadContext"/>. The cmdlets reference only our own assemblies
/// (WebRtcPS.Engine, WebRtcPS.Signaling), so the default context's resolver answers for those
/// names only, from the private context; their own references resolve there.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private const string OwnPrefix = "WebRtcPS.";
    private static int _registered;

    private static readonly string ModuleDirectory =
        Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? AppContext.BaseDirectory;

    internal static string DependenciesDirectory { get; } = Path.Combine(ModuleDirectory, "Dependencies");

    /// <summary>One private context per process: a re-import or a second runspace reuses it.</summary>
    internal static ModuleLoadContext LoadContext => Context.Value;

    private static readonly Lazy<ModuleLoadContext> Context = new(() => new ModuleLoadContext(SearchOrder()));

    /// <summary>
    /// Dependencies/{rid}: ReadyToRun images for this platform (linux-x64, linux-arm64, win-x64,
    /// osx-arm64 in the package), ahead of the IL in Dependencies/ that every other platform uses.
    /// ASP.NET Core: the machine's matching shared framework, else the platform's carried copy,
    /// else Dependencies/AspNetCore (IL with linux-x64 ReadyToRun code, which elsewhere is JIT-compiled).
    /// </summary>
    private static IEnumerable<string> SearchOrder()
    {
        var platform = PlatformRid is null ? null : Path.Combine(DependenciesDirectory, PlatformRid);
        if (platform is not null) yield return platform;
        yield return DependenciesDirectory;
        if (FindAspNetCoreDirectory() is { } shared) yield return shared;
        if (platform is not null) yield return Path.Combine(platform, "AspNetCore");
        yield return Path.Combine(DependenciesDirectory, "AspNetCore");
    }

    /// <summary>os-arch of this process (the portable RIDs the package has images for), or null.</summary>
    internal static string? PlatformRid { get; } = GetPlatformRid();

    private static string? GetPlatformRid()
    {
        var os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : OperatingSystem.IsLinux() ? "linux" : null;
        var arch = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => "x64",
            Architecture.Arm64 => "arm64",
            _ => null,
        };
        return os is null || arch is null ? null : $"{os}-{arch}";
    }

    /// <summary>Installs the resolver (if the root module has not) and starts generating the
    /// peers' shared DTLS certificate in the background, off the first connection's path.</summary>
    public void OnImport()
    {
        Register();
        Peers.SharedCertificate.Prepare();
    }

    /// <summary>
    /// Installs the resolver. WebRtcPS.psm1 calls this before it imports the cmdlets: PowerShell
    /// inspects their types (whose parameters use engine and signaling types) before OnImport.
    /// Registered once and kept: the cmdlet types stay bound to the private context after
    /// Remove-Module, and another runspace of the process may still be importing them.
    /// </summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0) AssemblyLoadContext.Default.Resolving += Resolve;
    }

    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        Peers.PeerRegistry.CloseAll();
        Signaling.SignalingServerRegistry.StopAll();
    }

    private static Assembly? Resolve(AssemblyLoadContext context, AssemblyName name)
    {
        if (name.Name is null || !name.Name.StartsWith(OwnPrefix, StringComparison.Ordinal)) return null;
        return LoadContext.Find(name) is null ? null : LoadContext.LoadFromAssemblyName(name);
    }

    /// <summary>
    /// {dotnet root}/shared/Microsoft.AspNetCore.App/{version} when the machine has it beside the
    /// running runtime: the exact runtime version if present, else the highest with the same
    /// major.minor (what the host's roll-forward would pick); null otherwise (a self-contained
    /// PowerShell), and the module uses the copy it carries.
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
