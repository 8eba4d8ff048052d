using System.Diagnostics;

namespace WebRtcPS.Engine.Tests.Browser;

/// <summary>
/// The network namespace Chromium runs in (INTEROP-NOTES: left on the machine's own network it
/// sends DNS look-ups and IPv6 router probes out of the machine's interface). Inside: loopback and
/// one veth pair whose two ends both stay in the namespace, lab0 = <see cref="Address"/> (Chromium
/// names its host candidate after its default route's source, and makes none without one) and
/// lab1, which has no address: <see cref="Gateway"/>, the default route's next hop, is nobody's,
/// so a packet for anywhere else ends unanswered (IPv6 off, forwarding off, a new namespace's
/// default). With one address only, every packet between Chromium and the WebRtcPS peer comes
/// from <see cref="Address"/>, the address Chromium's .local name stands for: a second local
/// address would make Chromium's checks to it (sent from a socket bound to any address, as it
/// does when hiding) arrive from an address its name never resolves to, peer-reflexive for good.
/// The veth (not a dummy link) and the route give multicast DNS a way out and back in.
/// Nothing is created in the machine's own namespace. Addresses from 198.18.0.0/15 (RFC 2544),
/// private to this namespace.
/// </summary>
internal sealed class ChromiumNamespace : IDisposable
{
    public const string Address = "198.19.240.10";
    public const string Gateway = "198.19.240.1";
    private const string Prefix = "wrtcbr-";

    private ChromiumNamespace(string name) => Name = name;

    /// <summary>The namespace's name (ip netns).</summary>
    public string Name { get; }

    /// <summary>Why no namespace can be made here, or null.</summary>
    public static string? UnsupportedReason() =>
        !OperatingSystem.IsLinux() ? "network namespaces need Linux"
        : !Environment.IsPrivilegedProcess ? "creating a network namespace needs root"
        : Interop.Which("ip") is null ? "'ip' (iproute2) not found (tools/deps.sh installs it)"
        : null;

    /// <summary>Makes a fresh namespace <c>wrtcbr-PID-XXXX</c>, after removing those of test processes that have ended.</summary>
    public static ChromiumNamespace Create()
    {
        CollectOrphans();
        var ns = new ChromiumNamespace($"{Prefix}{Environment.ProcessId}-{Random.Shared.Next(0x10000):x4}");
        try
        {
            Ip("netns", "add", ns.Name);
            // IPv6 off before any interface exists: no addresses, no router solicitations.
            ns.Exec("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
            Ip("-n", ns.Name, "link", "set", "lo", "up");
            Ip("-n", ns.Name, "link", "add", "lab0", "type", "veth", "peer", "name", "lab1");
            Ip("-n", ns.Name, "addr", "add", $"{Address}/24", "dev", "lab0");
            Ip("-n", ns.Name, "link", "set", "lab0", "up");
            Ip("-n", ns.Name, "link", "set", "lab1", "up");
            Ip("-n", ns.Name, "route", "add", "default", "via", Gateway, "dev", "lab0", "src", Address);
        }
        catch
        {
            ns.Dispose();
            throw;
        }
        return ns;
    }

    /// <summary>Runs a program inside the namespace and returns its output; throws on a non-zero exit.</summary>
    public string Exec(string program, params string[] args) => Ip(["netns", "exec", Name, program, .. args]);

    /// <summary>The command line that starts <paramref name="program"/> inside the namespace.</summary>
    public (string FileName, string[] Arguments) Command(string program, params string[] args) =>
        (Interop.Which("ip")!, ["netns", "exec", Name, program, .. args]);

    public void Dispose()
    {
        try
        {
            Ip("netns", "del", Name);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    private static void CollectOrphans()
    {
        foreach (var line in Ip("netns", "list").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = line.Split(' ')[0];
            if (!name.StartsWith(Prefix, StringComparison.Ordinal)) continue;
            var pid = name[Prefix.Length..].Split('-')[0];
            if (int.TryParse(pid, out var owner) && !Directory.Exists($"/proc/{owner}"))
            {
                try { Ip("netns", "del", name); } catch (InvalidOperationException) { }
            }
        }
    }

    private static string Ip(params string[] args)
    {
        var psi = new ProcessStartInfo(Interop.Which("ip")!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"ip {string.Join(' ', args)} failed ({process.ExitCode}): {stderr.Result.Trim()}");
        return stdout;
    }
}
