using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace WebRtcPS.Engine.Runtime;

/// <summary>
/// The one concurrency model of the engine's state machines: a serialized loop. Work items are
/// queued and run one at a time, in the order posted, so the state they touch needs no lock.
/// Timers are <see cref="LoopDeadline"/>s on the loop: one <see cref="ITimer"/> of the injected
/// <see cref="TimeProvider"/>, re-armed to the earliest deadline whenever one moves, runs the due
/// ones on the loop (a manual clock in tests fires them at exact times). API calls
/// <see cref="Post"/> (fire and forget), or post and wait (<see cref="InvokeAsync{T}"/>, or
/// <see cref="Invoke{T}"/> for the W3C methods that are synchronous); a call made from a work item
/// of the loop itself runs inline.
/// </summary>
/// <remarks>
/// <para>Who runs the queue: the thread that posts into an idle loop runs it until it is empty
/// (other threads' posts meanwhile are run by it, in order); there is no reader task. A loop
/// drained by a task of its own costs a thread-pool thread for every synchronous
/// <see cref="Invoke{T}"/> caller it keeps waiting, and in a fresh process (2 threads in the pool)
/// eight such callers on pool threads waited 7.3 s for the pool to grow; here a caller only waits
/// while another thread is running the queue, and that thread will reach its item.</para>
/// <para>A work item that throws is logged with the owner's event id (the <see cref="UserHandlers"/>
/// policy: through the owner's <c>[LoggerMessage]</c>, <see cref="System.Diagnostics.Trace"/>
/// without a logger) and the loop goes on; an <see cref="InvokeAsync{T}"/> caller gets the
/// exception instead. Work items must not block: no I/O, no waiting on another loop that could
/// wait on this one, no user code (user events are queued and raised elsewhere, in order).</para>
/// <para>The ICE agent and the SCTP association keep loops of their own shape (a task that
/// services a pure core in batches and sends packets between inputs); this is the same model for
/// the other state machines.</para>
/// </remarks>
internal sealed class SerialLoop : IAsyncDisposable
{
    private readonly ConcurrentQueue<Action> _work = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _name;
    private readonly TimeProvider _time;
    private readonly long _start;
    private volatile ILogger? _logger;
    private readonly UserHandlers.HandlerThrewLog _log;
    private readonly List<LoopDeadline> _deadlines = [];
    private ITimer? _timer;
    private TimeSpan? _armed;
    private int _running;            // 1 while a thread runs the queue
    private volatile int _runner;    // that thread's managed id (0: none)
    private int _posting;            // posts between their closed check and their enqueue
    private volatile bool _closed;

    /// <param name="name">What the loop runs (in logs: "TURN client loop").</param>
    /// <param name="timeProvider">Clock of <see cref="Now"/> and the deadlines; the system's when null.</param>
    /// <param name="logger">Where a work item's exception is logged (through <paramref name="log"/>).</param>
    /// <param name="log">The owner's <c>[LoggerMessage]</c> for a work item that threw.</param>
    public SerialLoop(string name, TimeProvider? timeProvider, ILogger? logger, UserHandlers.HandlerThrewLog log)
    {
        _name = name;
        _time = timeProvider ?? TimeProvider.System;
        _start = _time.GetTimestamp();
        _logger = logger;
        _log = log;
    }

    /// <summary>Time since the loop was created, on its clock (what deadlines are measured in).</summary>
    public TimeSpan Now => _time.GetElapsedTime(_start);

    /// <summary>Where a work item's exception is logged (an owner may learn its logger late).</summary>
    public ILogger? Logger
    {
        get => _logger;
        set => _logger = value;
    }

    /// <summary>True when called from a work item of this loop.</summary>
    public bool IsCurrent => _runner == Environment.CurrentManagedThreadId;

    /// <summary>Completes once disposed and every work item posted before has run.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Queues <paramref name="work"/> (and runs the queue now when no other thread is); false once the loop is disposed.</summary>
    public bool TryPost(Action work)
    {
        Interlocked.Increment(ref _posting);
        try
        {
            if (_closed) return false;
            _work.Enqueue(work);
        }
        finally
        {
            Interlocked.Decrement(ref _posting);
        }
        RunQueue();
        return true;
    }

    /// <summary>Queues <paramref name="work"/>; throws <see cref="ObjectDisposedException"/> once the loop is disposed.</summary>
    public void Post(Action work)
    {
        ObjectDisposedException.ThrowIf(!TryPost(work), this);
    }

    /// <summary>Runs <paramref name="function"/> on the loop; its result or exception completes the task.</summary>
    public Task<T> InvokeAsync<T>(Func<T> function)
    {
        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() =>
        {
            try
            {
                tcs.TrySetResult(function());
            }
            catch (Exception ex)
            {
                tcs.TrySetException(ex);
            }
        });
        return tcs.Task;
    }

    /// <inheritdoc cref="InvokeAsync{T}"/>
    public Task InvokeAsync(Action action) => InvokeAsync(() =>
    {
        action();
        return true;
    });

    /// <summary>Runs <paramref name="function"/> on the loop and waits for it (inline when already
    /// on the loop); its exception is rethrown as is. For synchronous APIs over loop-owned state.</summary>
    public T Invoke<T>(Func<T> function) => IsCurrent ? function() : InvokeAsync(function).GetAwaiter().GetResult();

    /// <inheritdoc cref="Invoke{T}"/>
    public void Invoke(Action action)
    {
        if (IsCurrent) action();
        else InvokeAsync(action).GetAwaiter().GetResult();
    }

    /// <summary>A deadline on this loop that runs <paramref name="onDue"/> there when due. Create
    /// deadlines while constructing the owner, before the loop is shared.</summary>
    public LoopDeadline CreateDeadline(Action onDue)
    {
        var deadline = new LoopDeadline(this, onDue);
        _deadlines.Add(deadline);
        _timer ??= _time.CreateTimer(static s => ((SerialLoop)s!).TryPost(((SerialLoop)s!).RunDue), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        return deadline;
    }

    /// <summary>Stops taking work; completes when what was posted has run. Deadlines no longer fire.</summary>
    public async ValueTask DisposeAsync()
    {
        _closed = true;
        // A post that passed its check before ours is still enqueueing: let it finish.
        var spin = new SpinWait();
        while (Volatile.Read(ref _posting) != 0) spin.SpinOnce();
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Enqueue(() => drained.TrySetResult());
        RunQueue();
        await drained.Task.ConfigureAwait(false);
        if (_timer is { } timer) await timer.DisposeAsync().ConfigureAwait(false);
        _completion.TrySetResult();
    }

    /// <summary>Runs the queue on this thread unless another thread is running it (which then
    /// runs what was just queued too: it only stops after seeing the queue empty).</summary>
    private void RunQueue()
    {
        if (Interlocked.CompareExchange(ref _running, 1, 0) != 0) return;
        var me = Environment.CurrentManagedThreadId;
        while (true)
        {
            _runner = me;
            while (_work.TryDequeue(out var work)) UserHandlers.Run(work, _logger, _log, _name);
            _runner = 0;
            Interlocked.Exchange(ref _running, 0);
            // Work queued after our last look was left to us, unless its poster has taken over.
            if (_work.IsEmpty || Interlocked.CompareExchange(ref _running, 1, 0) != 0) return;
        }
    }

    /// <summary>On the loop: the earliest deadline moved; the one timer follows it.</summary>
    internal void Rearm()
    {
        TimeSpan? earliest = null;
        foreach (var deadline in _deadlines)
        {
            if (deadline.Due is { } due && (earliest is null || due < earliest)) earliest = due;
        }
        if (earliest == _armed || _timer is null) return;
        _armed = earliest;
        if (earliest is not { } at)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }
        var delay = at - Now;
        // Whole milliseconds, rounded up: a system timer truncates, and would fire before the due time.
        delay = delay <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Math.Ceiling(delay.TotalMilliseconds));
        try
        {
            _timer.Change(delay, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Disposed meanwhile: nothing fires any more.
        }
    }

    /// <summary>On the loop, when the timer fired: every due deadline in due order, each on its own.</summary>
    private void RunDue()
    {
        _armed = null;   // the timer is spent
        while (true)
        {
            var now = Now;
            LoopDeadline? next = null;
            foreach (var deadline in _deadlines)
            {
                if (deadline.Due is { } due && due <= now && (next is null || due < next.Due)) next = deadline;
            }
            if (next is null) break;
            next.Take();
            UserHandlers.Run(next.OnDue, _logger, _log, _name);
        }
        Rearm();
    }
}

/// <summary>
/// A timer as a deadline on a <see cref="SerialLoop"/>: <see cref="Due"/> (loop time, or null) is
/// set on the loop; when it passes, the action runs on the loop (once: set it again to repeat).
/// </summary>
internal sealed class LoopDeadline
{
    private readonly SerialLoop _loop;

    internal LoopDeadline(SerialLoop loop, Action onDue)
    {
        _loop = loop;
        OnDue = onDue;
    }

    internal Action OnDue { get; }

    /// <summary>When the action runs, in <see cref="SerialLoop.Now"/> time; null when not armed.</summary>
    public TimeSpan? Due { get; private set; }

    /// <summary>On the loop: runs the action at <paramref name="due"/> (null: never).</summary>
    public void Set(TimeSpan? due)
    {
        Due = due;
        _loop.Rearm();
    }

    /// <summary>On the loop: runs the action <paramref name="delay"/> from now.</summary>
    public void SetIn(TimeSpan delay) => Set(_loop.Now + delay);

    /// <summary>On the loop: disarms.</summary>
    public void Clear() => Set(null);

    /// <summary>Due now: disarmed before its action runs (which may set it again).</summary>
    internal void Take() => Due = null;
}
