namespace WebRtcPS.Bench.Peers;

internal static class Orchestrator
{
    public static Task<int> MainAsync(string[] args) => Task.FromResult(0);
}
