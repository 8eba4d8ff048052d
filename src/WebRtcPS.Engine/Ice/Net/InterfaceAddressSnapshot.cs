namespace WebRtcPS.Engine.Ice;

/// <summary>
/// The interface addresses gathering starts from, enumerated once for agents created close
/// together and ahead of the gathering that needs them. Enumerating is not cheap where it matters:
/// on Linux .NET reads /sys and /proc per interface (0.2-1 ms a call on this project's machine),
/// and an answerer gathers on its critical path, between the offer and its first check.
/// A snapshot is reused while it is younger than <see cref="MaxAge"/> and no address change has
/// been reported since it was taken (<see cref="Invalidate"/>); a caller that finds an
/// enumeration already running waits for it instead of starting another.
/// </summary>
internal sealed class InterfaceAddressSnapshot
{
    private readonly Func<IReadOnlyList<IceNetworkAddress>> _enumerate;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private Task<IReadOnlyList<IceNetworkAddress>>? _current;
    private long _takenAt;
    private int _generation;

    public InterfaceAddressSnapshot(Func<IReadOnlyList<IceNetworkAddress>> enumerate, TimeSpan maxAge, TimeProvider? time = null)
    {
        _enumerate = enumerate;
        MaxAge = maxAge;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>How long a snapshot stands in for the interfaces when no change is reported.</summary>
    public TimeSpan MaxAge { get; }

    /// <summary>Enumerations made so far (a test's and a diagnostic's view).</summary>
    public int Enumerations { get; private set; }

    /// <summary>The addresses: a fresh enough snapshot, the one being taken, or a new one taken on
    /// this thread.</summary>
    public IReadOnlyList<IceNetworkAddress> Get()
    {
        var (usable, mine, generation) = Begin();
        return mine is null ? usable!.GetAwaiter().GetResult() : Take(mine, generation);
    }

    /// <summary>Starts taking a snapshot on the thread pool unless a fresh one exists or one is
    /// being taken: an agent calls this when it is created, long before an answerer gathers.</summary>
    public void Prefetch()
    {
        var (_, mine, generation) = Begin();
        if (mine is null) return;
        ThreadPool.UnsafeQueueUserWorkItem(static s =>
        {
            try
            {
                s.Self.Take(s.Mine, s.Generation);
            }
            catch
            {
                // Kept in the task for whoever waits on it (observed here, so never "unobserved").
                _ = s.Mine.Task.Exception;
            }
        }, (Self: this, Mine: mine, Generation: generation), preferLocal: false);
    }

    /// <summary>The addresses may have changed: the next <see cref="Get"/> enumerates again.</summary>
    public void Invalidate()
    {
        lock (_gate)
        {
            _generation++;
            // A snapshot being taken may predate the change: it completes for those waiting on it
            // but is not kept (Take compares the generation).
            if (_current is { IsCompleted: true }) _current = null;
        }
    }

    /// <summary>The snapshot to use (fresh, or being taken), or else a new one this caller must take.</summary>
    private (Task<IReadOnlyList<IceNetworkAddress>>? Usable, TaskCompletionSource<IReadOnlyList<IceNetworkAddress>>? Mine, int Generation) Begin()
    {
        lock (_gate)
        {
            if (_current is { } current && (!current.IsCompleted || IsFresh(current))) return (current, null, _generation);
            var mine = new TaskCompletionSource<IReadOnlyList<IceNetworkAddress>>(TaskCreationOptions.RunContinuationsAsynchronously);
            _current = mine.Task;
            _takenAt = _time.GetTimestamp();
            Enumerations++;
            return (null, mine, _generation);
        }
    }

    private bool IsFresh(Task<IReadOnlyList<IceNetworkAddress>> current) =>
        current.IsCompletedSuccessfully && _time.GetElapsedTime(_takenAt) < MaxAge;

    private IReadOnlyList<IceNetworkAddress> Take(TaskCompletionSource<IReadOnlyList<IceNetworkAddress>> mine, int generation)
    {
        IReadOnlyList<IceNetworkAddress> addresses;
        try
        {
            addresses = _enumerate();
        }
        catch (Exception ex)
        {
            // Not kept: the next call tries again; whoever waited on this one gets the error.
            lock (_gate)
            {
                if (_current == mine.Task) _current = null;
            }
            mine.TrySetException(ex);
            throw;
        }
        lock (_gate)
        {
            if (generation != _generation && _current == mine.Task) _current = null;
        }
        mine.TrySetResult(addresses);
        return addresses;
    }
}
