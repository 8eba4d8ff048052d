using System.Runtime.InteropServices;

namespace WebRtcPS.Bench.Signaling;

/// <summary>
/// The open-file limit (RLIMIT_NOFILE) that this process and its children inherit: every idle
/// /receive stream is one socket in the server and one in the idle client.
/// </summary>
internal static class FileLimit
{
    private const int RlimitNofile = 7; // Linux

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int getrlimit(int resource, out RLimit limit);

    [DllImport("libc", SetLastError = true)]
    private static extern int setrlimit(int resource, ref RLimit limit);

    /// <summary>
    /// Raises the soft limit to at least <paramref name="needed"/> (and the hard limit, which only
    /// root may do, if it is lower). Returns the limit in force and what was done.
    /// </summary>
    public static (ulong Limit, string Note) Ensure(ulong needed)
    {
        if (!OperatingSystem.IsLinux()) return (ulong.MaxValue, "not Linux: limit not checked");
        if (getrlimit(RlimitNofile, out var limit) != 0) return (0, $"getrlimit failed: errno {Marshal.GetLastPInvokeError()}");
        if (limit.Current >= needed) return (limit.Current, $"ulimit -n {limit.Current} (hard {limit.Maximum}): enough");
        var before = limit.Current;
        var wanted = new RLimit { Current = needed, Maximum = Math.Max(limit.Maximum, needed) };
        if (setrlimit(RlimitNofile, ref wanted) != 0)
            return (before, $"ulimit -n {before} (hard {limit.Maximum}) is below {needed} and could not be raised: errno {Marshal.GetLastPInvokeError()}");
        return (needed, $"ulimit -n raised from {before} to {needed} for this run");
    }
}
