using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace WebRtcPS.Engine.Runtime;

/// <summary>
/// The one policy for exceptions thrown by user event handlers, used by every layer that raises
/// events: each subscriber runs on its own (one that throws does not keep the others from the
/// event), the exception is logged at warning with the raising layer's event id, and delivery goes
/// on — the loop or event task that raised it never stops, and nothing is swallowed silently.
/// Without a logger the exception goes to <see cref="Trace"/>. The same policy covers a work item
/// that throws on a <see cref="SerialLoop"/> (logged with the owner's event id; the loop goes on).
/// </summary>
internal static class UserHandlers
{
    /// <summary>A layer's <c>[LoggerMessage]</c> for a handler that threw (warning, the layer's event id).</summary>
    public delegate void HandlerThrewLog(ILogger logger, string handler, Exception exception);

    public static void Invoke(EventHandler? handler, object sender, ILogger? logger, HandlerThrewLog log, string name)
    {
        if (handler is null) return;
        if (handler.HasSingleTarget)
        {
            Call(handler, sender, logger, log, name);
            return;
        }
        foreach (var one in Delegate.EnumerateInvocationList(handler)) Call(one, sender, logger, log, name);
    }

    public static void Invoke<T>(EventHandler<T>? handler, object sender, T args, ILogger? logger, HandlerThrewLog log, string name)
    {
        if (handler is null) return;
        if (handler.HasSingleTarget)
        {
            Call(handler, sender, args, logger, log, name);
            return;
        }
        foreach (var one in Delegate.EnumerateInvocationList(handler)) Call(one, sender, args, logger, log, name);
    }

    /// <summary>Runs a queued event action (which may call user code) under the same policy.</summary>
    public static void Run(Action action, ILogger? logger, HandlerThrewLog log, string name)
    {
        try
        {
            action();
        }
        catch (Exception ex)
        {
            Report(logger, log, name, ex);
        }
    }

    private static void Call(EventHandler handler, object sender, ILogger? logger, HandlerThrewLog log, string name)
    {
        try
        {
            handler(sender, EventArgs.Empty);
        }
        catch (Exception ex)
        {
            Report(logger, log, name, ex);
        }
    }

    private static void Call<T>(EventHandler<T> handler, object sender, T args, ILogger? logger, HandlerThrewLog log, string name)
    {
        try
        {
            handler(sender, args);
        }
        catch (Exception ex)
        {
            Report(logger, log, name, ex);
        }
    }

    private static void Report(ILogger? logger, HandlerThrewLog log, string name, Exception exception)
    {
        if (logger is null or NullLogger)
        {
            Trace.TraceWarning("WebRtcPS: {0} threw; delivery goes on: {1}", name, exception);
            return;
        }
        try
        {
            log(logger, name, exception);
        }
        catch (Exception)
        {
            // A logger that throws must not undo the policy either.
            Trace.TraceWarning("WebRtcPS: {0} threw, and so did the logger: {1}", name, exception);
        }
    }
}
