using System.Reflection;
using System.Runtime.Loader;

namespace WebRtcPS.Commands;

/// <summary>
/// The module's own AssemblyLoadContext: the engine, signaling, BouncyCastle and the ASP.NET Core
/// pieces load here, never in PowerShell's default context. Another module's BouncyCastle or
/// Microsoft.Extensions.Logging in the default context cannot replace ours, and ours cannot
/// replace theirs. Names it does not carry (System.*, from Microsoft.NETCore.App) fall through to
/// the default context, so both sides share the runtime's own types.
/// </summary>
internal sealed class ModuleLoadContext : AssemblyLoadContext
{
    private readonly string[] _directories;

    /// <param name="directories">Where the module's assemblies are, first match wins: its
    /// ReadyToRun images for this platform, its IL assemblies (ours, BouncyCastle), then
    /// ASP.NET Core and Microsoft.Extensions.* (the machine's matching shared framework, or the
    /// copy the module carries).</param>
    public ModuleLoadContext(IEnumerable<string> directories)
        : base("WebRtcPS", isCollectible: false)
    {
        _directories = directories.Where(Directory.Exists).ToArray();
    }

    public IReadOnlyList<string> Directories => _directories;

    /// <summary>The module's file for <paramref name="name"/>, or null when it carries none.</summary>
    public string? Find(AssemblyName name)
    {
        if (string.IsNullOrEmpty(name.Name)) return null;
        foreach (var dir in _directories)
        {
            var path = Path.Combine(dir, name.Name + ".dll");
            if (File.Exists(path)) return path;
        }
        return null;
    }

    protected override Assembly? Load(AssemblyName assemblyName) =>
        Find(assemblyName) is { } path ? LoadFromAssemblyPath(path) : null;
}
