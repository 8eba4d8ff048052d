namespace WebRtcPS.Engine.Tests.TestInfrastructure;

/// <summary>Bounds a wait so a bug hangs a test for at most the limit, not forever.</summary>
internal static class TaskTimeouts
{
    public static Task<T> Within<T>(this Task<T> task, TimeSpan limit) => task.WaitAsync(limit);

    public static Task Within(this Task task, TimeSpan limit) => task.WaitAsync(limit);
}
