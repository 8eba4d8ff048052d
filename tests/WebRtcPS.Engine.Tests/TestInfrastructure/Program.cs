using WebRtcPS.Engine.Tests.Browser;
using WebRtcPS.Engine.Tests.Signaling.Redis;

namespace WebRtcPS.Engine.Tests.TestInfrastructure;

/// <summary>
/// The test assembly's entry point (GenerateProgramFile is off). The test runner never calls it;
/// <c>dotnet WebRtcPS.Engine.Tests.dll browser-agent '{json}'</c> runs a Chromium scenario inside a
/// network namespace (Browser/BrowserLabAgent.cs); <c>signaling-server REDIS …</c> serves signaling
/// in a process a test can kill (Signaling/Redis/SignalingServerChild.cs).
/// </summary>
internal static class Program
{
    public static int Main(string[] args) => args switch
    {
        [BrowserLabAgent.Verb, var scenario] => BrowserLabAgent.Run(scenario),
        [SignalingServerChild.Verb, var redis, var heartbeatMs, var maxBytesPerId] => SignalingServerChild.Run(redis, heartbeatMs, maxBytesPerId),
        _ => 0,
    };
}
