using System.Diagnostics;

namespace WebRtcPS.Engine.Tests.TestInfrastructure;

/// <summary>
/// Waits for a condition that something outside the test (a server process, a background loop)
/// makes true, checking it every few milliseconds; fails the test once <c>limit</c> has passed.
/// Only for state with no event to await.
/// </summary>
internal static class Poll
{
    public static Task UntilAsync(Func<bool> condition, TimeSpan limit, string what) =>
        UntilAsync(() => Task.FromResult(condition()), limit, what);

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan limit, string what)
    {
        var elapsed = Stopwatch.StartNew();
        while (!await condition())
        {
            if (elapsed.Elapsed > limit) Assert.Fail($"timed out after {limit.TotalSeconds:F0} s waiting for {what}");
            await Task.Delay(10);
        }
    }
}
