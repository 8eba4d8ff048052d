using System.Diagnostics;

namespace WebRtcPS.Bench.Signaling.Lean;

/// <summary>
/// On Linux, .NET's socket engine passes every completion from its epoll thread to the thread pool
/// (a wake-up and a hop per read), unless <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c>, read
/// once, when the process first uses a socket. The lean generator's continuations are short and
/// never block, so with the server in another process (<c>--compare</c>) the bench sets it for
/// itself, before its first socket, and keeps it from its children: the servers under test (and
/// the idle client) run with the runtime's defaults. The in-process mode leaves it alone, as it
/// would change the server's scheduling too. A value set by the caller is left as it is, for the
/// children as well.
/// </summary>
internal static class InlineCompletions
{
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    private static bool _setHere;

    /// <summary>Turns inline completions on for this process; says how they are set.</summary>
    public static string Enable()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { } given) return $"{Variable}={given} as given (children inherit it)";
        Environment.SetEnvironmentVariable(Variable, "1");
        _setHere = true;
        return $"socket completions inline in this process ({Variable}=1, not passed to the servers)";
    }

    /// <summary>Removes the variable from a child's environment if this process set it.</summary>
    public static void KeepFrom(ProcessStartInfo child)
    {
        if (_setHere) child.Environment.Remove(Variable);
    }
}
