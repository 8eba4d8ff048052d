using WebRtcPS.Engine.Tests.Browser;

namespace WebRtcPS.Engine.Tests.TestInfrastructure;

/// <summary>
/// The test assembly's entry point (GenerateProgramFile is off). The test runner never calls it;
/// <c>dotnet WebRtcPS.Engine.Tests.dll browser-agent '{json}'</c> runs a Chromium scenario inside a
/// network namespace (Browser/BrowserLabAgent.cs).
/// </summary>
internal static class Program
{
    public static int Main(string[] args) =>
        args is [BrowserLabAgent.Verb, var scenario] ? BrowserLabAgent.Run(scenario) : 0;
}
