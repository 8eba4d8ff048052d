using Microsoft.Extensions.Logging;
using WebRtcPS.Engine.Runtime;

namespace WebRtcPS.Engine.Tests.Runtime;

/// <summary>The serialized loop: work in order and one at a time, exceptions logged with the
/// owner's event id without stopping the loop, synchronous calls from the loop inline, and
/// deadlines fired at their exact times on a manual clock through one timer.</summary>
public class SerialLoopTests
{
    private const int WorkFailed = 9999;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static void LogWorkFailed(ILogger logger, string name, Exception exception) =>
        logger.Log(LogLevel.Error, new EventId(WorkFailed), name, exception, static (n, _) => $"{n}: a work item threw");

    private static SerialLoop NewLoop(ILogger? logger = null, TimeProvider? time = null) => new("test loop", time, logger, LogWorkFailed);

    [Fact]
    public async Task WorkRunsInOrderAndNeverTwoAtOnce()
    {
        await using var loop = NewLoop();
        var seen = new List<(int Thread, int Item)>();
        int running = 0, overlaps = 0;
        var posters = Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (int i = 0; i < 500; i++)
            {
                int item = i;
                loop.Post(() =>
                {
                    if (Interlocked.Increment(ref running) != 1) Interlocked.Increment(ref overlaps);
                    seen.Add((t, item));   // no lock: the loop is the only writer
                    Interlocked.Decrement(ref running);
                });
            }
        })).ToArray();
        await Task.WhenAll(posters);
        await loop.InvokeAsync(() => { });
        Assert.Equal(0, overlaps);
        Assert.Equal(2000, seen.Count);
        foreach (var group in seen.GroupBy(s => s.Thread)) Assert.Equal(Enumerable.Range(0, 500), group.Select(s => s.Item));
    }

    [Fact]
    public async Task AWorkItemThatThrowsIsLoggedWithTheOwnersEventIdAndTheLoopGoesOn()
    {
        var log = new ListLogger();
        await using var loop = NewLoop(log);
        loop.Post(() => throw new InvalidOperationException("bug in a work item"));
        var after = await loop.InvokeAsync(() => 42).WaitAsync(Patience);
        Assert.Equal(42, after);
        var entry = Assert.Single(log.Entries, e => e.Id.Id == WorkFailed);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Contains("test loop", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeGivesTheCallerTheExceptionInsteadOfLoggingIt()
    {
        var log = new ListLogger();
        await using var loop = NewLoop(log);
        var ex = Assert.Throws<InvalidStateError>(() => loop.Invoke(() => throw new InvalidStateError("wrong state")));
        Assert.Equal("wrong state", ex.Message);
        await Assert.ThrowsAsync<InvalidStateError>(() => loop.InvokeAsync(() => throw new InvalidStateError("again")));
        Assert.DoesNotContain(log.Entries, e => e.Id.Id == WorkFailed);
    }

    [Fact]
    public async Task InvokeFromTheLoopRunsInline()
    {
        await using var loop = NewLoop();
        var result = await loop.InvokeAsync(() => loop.IsCurrent && loop.Invoke(() => loop.IsCurrent)).WaitAsync(Patience);
        Assert.True(result);
        Assert.False(loop.IsCurrent);
    }

    [Fact]
    public async Task AnIdleLoopRunsTheCallersWorkOnTheCallersThread()
    {
        // No thread-pool thread is needed for a synchronous call to get its answer.
        await using var loop = NewLoop();
        var caller = Environment.CurrentManagedThreadId;
        Assert.Equal(caller, loop.Invoke(() => Environment.CurrentManagedThreadId));
        var onPool = await Task.Run(() => (Environment.CurrentManagedThreadId, loop.Invoke(() => Environment.CurrentManagedThreadId)));
        Assert.Equal(onPool.Item1, onPool.Item2);
    }

    [Fact]
    public async Task AfterDisposalPostingThrowsAndPostedWorkHasRun()
    {
        var loop = NewLoop();
        int ran = 0;
        for (int i = 0; i < 100; i++) loop.Post(() => ran++);
        await loop.DisposeAsync();
        Assert.Equal(100, ran);
        Assert.True(loop.Completion.IsCompletedSuccessfully);
        Assert.False(loop.TryPost(() => { }));
        Assert.Throws<ObjectDisposedException>(() => loop.Post(() => { }));
    }

    [Fact]
    public async Task DeadlinesFireAtTheirExactTimesThroughOneTimer()
    {
        var clock = new ManualTimeProvider();
        await using var loop = NewLoop(time: clock);
        var fired = new List<(string Name, TimeSpan At)>();
        LoopDeadline? periodic = null;
        var once = loop.CreateDeadline(() => fired.Add(("once", loop.Now)));
        periodic = loop.CreateDeadline(() =>
        {
            fired.Add(("periodic", loop.Now));
            periodic!.Set(loop.Now + TimeSpan.FromSeconds(4));
        });
        var cancelled = loop.CreateDeadline(() => fired.Add(("cancelled", loop.Now)));
        await loop.InvokeAsync(() =>
        {
            periodic.SetIn(TimeSpan.FromSeconds(4));
            once.SetIn(TimeSpan.FromSeconds(6));
            cancelled.SetIn(TimeSpan.FromSeconds(5));
            cancelled.Clear();
        });
        Assert.Equal(1, clock.ActiveTimerCount);

        async Task StepAsync(int seconds)
        {
            clock.Advance(TimeSpan.FromSeconds(seconds));
            await loop.InvokeAsync(() => { });   // what the tick posted has run
        }
        await StepAsync(4);   // t=4: periodic
        await StepAsync(2);   // t=6: once
        await StepAsync(2);   // t=8: periodic
        await StepAsync(3);   // t=11: nothing
        await StepAsync(1);   // t=12: periodic
        Assert.Equal(
            [("periodic", TimeSpan.FromSeconds(4)), ("once", TimeSpan.FromSeconds(6)), ("periodic", TimeSpan.FromSeconds(8)), ("periodic", TimeSpan.FromSeconds(12))],
            fired);

        // Moving a deadline earlier re-arms the one timer to it.
        await loop.InvokeAsync(() => once.SetIn(TimeSpan.FromSeconds(1)));
        await StepAsync(1);   // t=13: once
        Assert.Equal(("once", TimeSpan.FromSeconds(13)), fired[^1]);
        Assert.Equal(1, clock.ActiveTimerCount);
    }

    [Fact]
    public async Task ADeadlineThatThrowsIsLoggedAndTheOthersStillFire()
    {
        var log = new ListLogger();
        var clock = new ManualTimeProvider();
        await using var loop = NewLoop(log, clock);
        var fired = new List<string>();
        var bad = loop.CreateDeadline(() => throw new InvalidOperationException("bug in a timer"));
        var good = loop.CreateDeadline(() => fired.Add("good"));
        await loop.InvokeAsync(() =>
        {
            bad.SetIn(TimeSpan.FromSeconds(1));
            good.SetIn(TimeSpan.FromSeconds(1));
        });
        clock.Advance(TimeSpan.FromSeconds(1));
        await loop.InvokeAsync(() => { });
        Assert.Equal(["good"], fired);
        Assert.Single(log.Entries, e => e.Id.Id == WorkFailed);
    }
}
