using System.Net;
using WebRtcPS.Engine.Runtime;
using WebRtcPS.Engine.Stun;
using WebRtcPS.Engine.Stun.Attributes;

namespace WebRtcPS.Engine.Turn;

// Refreshes (RFC 8656 §8 allocation, §9.2 permissions, §12.3 channels) as three deadlines on the
// loop: each fires there, takes what to refresh from the loop's state and starts the requests off
// the loop; what their answers change comes back to the loop.
internal sealed partial class TurnClient
{
    private readonly LoopDeadline _allocationRefresh;
    private readonly LoopDeadline _permissionRefresh;
    private readonly LoopDeadline _channelRefresh;

    /// <summary>Refreshes the allocation now (RFC 8656 §8); the loop does this on its own.</summary>
    public Task RefreshAsync(CancellationToken cancellationToken = default) => RefreshCoreAsync(scheduleNext: false, cancellationToken);

    /// <summary>Refresh, then on the loop: the granted lifetime and (for the loop's own refresh) the
    /// next deadline, both before the count moves, so a test that waits for the count on a manual
    /// clock finds the next deadline armed.</summary>
    private async Task RefreshCoreAsync(bool scheduleNext, CancellationToken cancellationToken)
    {
        ThrowIfClosed();
        var (response, _) = await RequestAsync(StunMethod.Refresh, b =>
        {
            if (_options.RequestedLifetime is { } lifetime) b.Add(new Lifetime((uint)lifetime.TotalSeconds));
        }, cancellationToken).ConfigureAwait(false);
        TimeSpan? granted = response.TryGet(out Lifetime lifetime) ? TimeSpan.FromSeconds(lifetime.Seconds) : null;
        await OnLoopAsync(() =>
        {
            if (granted is { } l) Lifetime = l;
            if (scheduleNext) _allocationRefresh.SetIn(RefreshDelay(Lifetime));
            Interlocked.Increment(ref _refreshCount);
        }).ConfigureAwait(false);
        TurnLog.Refreshed(_log, RelayedAddress.ToString(), Lifetime.TotalSeconds);
    }

    /// <summary>When to refresh: a minute before expiry, or at half the lifetime when it is short.</summary>
    internal static TimeSpan RefreshDelay(TimeSpan lifetime) =>
        lifetime > TimeSpan.FromMinutes(2) ? lifetime - TimeSpan.FromMinutes(1) : lifetime / 2;

    /// <summary>Once allocated: the allocation refresh at <see cref="RefreshDelay"/>, permissions and
    /// channels every <see cref="TurnSettings.PermissionRefreshInterval"/> and <see cref="TurnSettings.ChannelRefreshInterval"/>.</summary>
    private Task StartRefreshingAsync() => OnLoopAsync(() =>
    {
        _allocationRefresh.SetIn(RefreshDelay(Lifetime));
        _permissionRefresh.SetIn(_options.PermissionRefreshInterval);
        _channelRefresh.SetIn(_options.ChannelRefreshInterval);
    });

    /// <summary>On the loop: no refresh fires any more (closing).</summary>
    private void StopRefreshing()
    {
        _allocationRefresh.Clear();
        _permissionRefresh.Clear();
        _channelRefresh.Clear();
    }

    private void OnAllocationRefreshDue() => _ = Task.Run(RefreshInBackgroundAsync);

    private async Task RefreshInBackgroundAsync()
    {
        TimeSpan retry;
        Exception failure;
        try
        {
            await RefreshCoreAsync(scheduleNext: true, _stop.Token).ConfigureAwait(false);
            return;
        }
        catch (TurnException ex) when (ex.Error == TurnError.Closed || ex.ErrorCode == StunErrorCodes.AllocationMismatch)
        {
            Fail(new TurnException(TurnError.Closed, $"The allocation on {ServerEndPoint} is gone: {ex.Message}", ex.ErrorCode, ex.Reason, ex));
            return;
        }
        catch (Exception ex)
        {
            if (_stop.IsCancellationRequested) return;
            failure = ex;
            // Try again sooner (5 s), but not past a quarter of the lifetime.
            retry = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(5).Ticks, Math.Max(Lifetime.Ticks / 4, TimeSpan.FromMilliseconds(200).Ticks)));
        }
        // The retry is armed before the failure is reported: whoever sees LastError (a test moving
        // the clock) finds the retry already counted from the failure's time.
        await OnLoopAsync(() => _allocationRefresh.SetIn(retry)).ConfigureAwait(false);
        BackgroundFailed("Refresh", failure);
    }

    private void OnPermissionRefreshDue()
    {
        _permissionRefresh.SetIn(_options.PermissionRefreshInterval);
        var addresses = _permissions.Where(p => p.Value.Installed).Select(p => p.Key).ToArray();
        if (addresses.Length > 0) _ = Task.Run(() => RefreshPermissionsAsync(addresses));
    }

    private async Task RefreshPermissionsAsync(IPAddress[] addresses)
    {
        foreach (var address in addresses)
        {
            try
            {
                await CreatePermissionAsync(address, _stop.Token).ConfigureAwait(false);
                Interlocked.Increment(ref _permissionRefreshCount);
            }
            catch (Exception ex)
            {
                if (_stop.IsCancellationRequested) return;
                BackgroundFailed($"CreatePermission refresh {address}", ex);
            }
        }
    }

    private void OnChannelRefreshDue()
    {
        _channelRefresh.SetIn(_options.ChannelRefreshInterval);
        var bindings = _channelsByNumber.Values.Where(b => b.Bound).ToArray();
        if (bindings.Length > 0) _ = Task.Run(() => RefreshChannelsAsync(bindings));
    }

    private async Task RefreshChannelsAsync(Binding[] bindings)
    {
        foreach (var binding in bindings)
        {
            try
            {
                await SendChannelBindAsync(binding, _stop.Token).ConfigureAwait(false);
                Interlocked.Increment(ref _channelRefreshCount);
            }
            catch (Exception ex)
            {
                if (_stop.IsCancellationRequested) return;
                BackgroundFailed($"ChannelBind refresh {binding.Number:x4}", ex);
            }
        }
    }

    /// <summary>Runs <paramref name="action"/> on the loop and waits for it; nothing once the
    /// client is closed (its state no longer matters then).</summary>
    private Task OnLoopAsync(Action action) => OnLoopAsync(() =>
    {
        action();
        return true;
    }, whenClosed: false);

    /// <inheritdoc cref="OnLoopAsync(Action)"/>
    private Task<T> OnLoopAsync<T>(Func<T> function, T whenClosed)
    {
        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var posted = _loop.TryPost(() =>
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
        return posted ? tcs.Task : Task.FromResult(whenClosed);
    }
}
