using WebRtcPS.Engine.Ice;

namespace WebRtcPS.Engine.Tests.Ice;

/// <summary>A core's events as text, one per line with the wire's time: for failure messages.</summary>
internal static class IceCoreDump
{
    public static string Dump(IceCorePeer p) => string.Join("\n", p.Events.Select(e => $"{p.Name} {e.Elapsed.TotalMilliseconds,8:0.0} {e}"));
}
