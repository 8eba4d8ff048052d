using WebRtcPS.Engine.Stun;
using WebRtcPS.Engine.Stun.Attributes;

namespace WebRtcPS.Engine.Turn;

// Closing: the deallocation (Refresh with LIFETIME 0), then the connection and the loops stop.
internal sealed partial class TurnClient
{
    private void ThrowIfClosed()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _closed) != 0, this);
    }

    /// <summary>
    /// Deletes the allocation (Refresh with LIFETIME 0, RFC 8656 §8) and closes the connection.
    /// True when the server acknowledged the deletion within <paramref name="timeout"/> (default 2 s).
    /// </summary>
    public async Task<bool> CloseAsync(TimeSpan? timeout = null)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return false;
        await OnLoopAsync(StopRefreshing).ConfigureAwait(false);
        bool acknowledged = false;
        if (!_transportFailed.Task.IsCompleted)
        {
            using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(2), _time);
            try
            {
                await RequestAsync(StunMethod.Refresh, b => b.Add(new Lifetime(0)), cts.Token).ConfigureAwait(false);
                acknowledged = true;
            }
            catch (TurnException ex) when (ex.ErrorCode == StunErrorCodes.AllocationMismatch)
            {
                acknowledged = true; // Already gone.
            }
            catch (Exception ex) when (ex is TurnException or OperationCanceledException)
            {
                BackgroundFailed($"Deallocate", ex);
            }
        }
        ClosedCleanly = acknowledged;
        TurnLog.Closed(_log, RelayedAddress.ToString(), acknowledged);
        await AbandonAsync().ConfigureAwait(false);
        return acknowledged;
    }

    /// <summary>True when the server acknowledged the deallocation on close.</summary>
    public bool ClosedCleanly { get; private set; }

    /// <summary>Stops the loops and closes the connection without talking to the server.</summary>
    private async Task AbandonAsync()
    {
        Volatile.Write(ref _closed, 1);
        _loop.TryPost(StopRefreshing);
        if (!_stop.IsCancellationRequested) await _stop.CancelAsync().ConfigureAwait(false);
        _transactions.Dispose();
        await _transport.DisposeAsync().ConfigureAwait(false);
        try
        {
            await _receiveLoop.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The loop reports through Fail; nothing more to do here.
        }
        // What the requests still post runs (or is refused), then the loop ends.
        await _loop.DisposeAsync().ConfigureAwait(false);
        _received.Writer.TryComplete();
        _transportFailed.TrySetResult(new TurnException(TurnError.Closed, "The TURN client is closed."));
    }

    public async ValueTask DisposeAsync() => await CloseAsync().ConfigureAwait(false);
}
