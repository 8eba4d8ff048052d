using System.Collections.Concurrent;
using System.Management.Automation;
using System.Runtime.ExceptionServices;

namespace WebRtcPS.Commands.Infrastructure;

/// <summary>
/// Base of cmdlets that run engine work asynchronously while streaming its events. The pipeline
/// thread rule: engine callbacks only <see cref="Post"/> actions; the cmdlet's own thread runs them
/// (WriteObject, WriteVerbose, ...) in order while <see cref="RunToCompletion"/> waits. Ctrl+C
/// (StopProcessing) cancels <see cref="StopToken"/>; the work's exceptions are rethrown here.
/// </summary>
public abstract partial class AsyncPipelineCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private BlockingCollection<Action>? _queue;

    /// <summary>Cancelled when the user presses Ctrl+C or the pipeline is stopped.</summary>
    protected CancellationToken StopToken => _stopping.Token;

    /// <summary>Queues <paramref name="action"/> for the pipeline thread. Safe from any thread;
    /// dropped when no <see cref="RunToCompletion"/> is draining (the command has ended).</summary>
    protected void Post(Action action)
    {
        var queue = Volatile.Read(ref _queue);
        if (queue is null) return;
        try
        {
            queue.Add(action);
        }
        catch (InvalidOperationException)
        {
            // completed: the command is past the point of writing
        }
    }

    protected void PostObject(object value) => Post(() => WriteObject(value));

    protected void PostVerbose(string text) => Post(() => WriteVerbose(text));

    protected void PostWarning(string text) => Post(() => WriteWarning(text));

    protected void PostProgress(ProgressRecord record) => Post(() => WriteProgress(record));

    /// <summary>
    /// Runs <paramref name="work"/> on the thread pool and executes posted actions on this thread
    /// until it ends; returns its result or rethrows its exception (with its original stack).
    /// </summary>
    protected T RunToCompletion<T>(Func<CancellationToken, Task<T>> work)
    {
        var queue = new BlockingCollection<Action>();
        Volatile.Write(ref _queue, queue);
        var task = Task.Run(() => work(StopToken), StopToken);
        task.ContinueWith(_ => queue.CompleteAdding(), TaskScheduler.Default);
        try
        {
            foreach (var action in queue.GetConsumingEnumerable()) action();
        }
        catch
        {
            // A write failed (the pipeline is stopping, or a downstream command threw): the command
            // ends here, so the work must not run on with what it holds (sockets, timers).
            _stopping.Cancel();
            try { task.Wait(); } catch (AggregateException) { /* its own exception is not the one to report */ }
            throw;
        }
        finally
        {
            Volatile.Write(ref _queue, null);
            queue.Dispose();
        }
        try
        {
            return task.GetAwaiter().GetResult();
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count == 1)
        {
            ExceptionDispatchInfo.Capture(ex.InnerException!).Throw();
            throw;
        }
    }

    protected void RunToCompletion(Func<CancellationToken, Task> work) =>
        RunToCompletion<bool>(async ct => { await work(ct).ConfigureAwait(false); return true; });

    protected override void StopProcessing() => _stopping.Cancel();

    public void Dispose()
    {
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }
}
