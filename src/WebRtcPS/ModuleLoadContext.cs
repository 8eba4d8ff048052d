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

    /// <param name="dependencies">The module's Dependencies folder (ours, BouncyCastle).</param>
    /// <param name="aspNetCore">Where ASP.NET Core and Microsoft.Extensions.* come from: the
    /// machine's matching shared framework, or the copy the module carries.</param>
    public ModuleLoadContext(string dependencies, string aspNetCore)
        : base("WebRtcPS", isCollectible: false)
    {
        _directories = [dependencies, aspNetCore];
        AspNetCoreDirectory = aspNetCore;
    }

    public string AspNetCoreDirectory { get; }

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
