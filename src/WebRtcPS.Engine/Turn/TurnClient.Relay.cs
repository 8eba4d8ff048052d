using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using WebRtcPS.Engine.Stun;
using WebRtcPS.Engine.Stun.Attributes;

namespace WebRtcPS.Engine.Turn;

// Receive loop, permissions (RFC 8656 §9), channels (§12), Send/Data indications (§10, §11),
// refresh timers (§8) and closing.
internal sealed partial class TurnClient
{
    private void StartReceiving() => _receiveLoop = Task.Run(ReceiveLoopAsync);

    private async Task ReceiveLoopAsync()
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            byte[]? frame;
            try
            {
                frame = await _transport.ReceiveAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException ex)
            {
                Fail(ClassifySocketError(ex));
                return;
            }
            catch (InvalidDataException ex)
            {
                Fail(new TurnException(TurnError.ProtocolError, $"{ServerEndPoint} sent bytes that are not TURN framing: {ex.Message}", innerException: ex));
                return;
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                if (!token.IsCancellationRequested) Fail(new TurnException(TurnError.Closed, $"The connection to {ServerEndPoint} failed: {ex.Message}", innerException: ex));
                return;
            }
            if (frame is null)
            {
                Fail(new TurnException(TurnError.Closed, $"{ServerEndPoint} closed the connection."));
                return;
            }
            HandleFrame(frame);
        }
    }

    /// <summary>One frame from the server. Never throws: anything unusable is dropped and counted.</summary>
    internal void HandleFrame(byte[] frame)
    {
        if (ChannelData.IsChannelData(frame))
        {
            Binding? binding = null;
            if (ChannelData.TryReadHeader(frame, out ushort number, out int length))
            {
                lock (_gate) _channelsByNumber.TryGetValue(number, out binding);
            }
            if (binding is null)
            {
                Interlocked.Increment(ref _droppedPackets);
                if (_log.IsEnabled(LogLevel.Debug)) TurnLog.Dropped(_log, frame.Length, ServerEndPoint.ToString(), frame[0], "ChannelData on no bound channel, or malformed");
                return;
            }
            _received.Writer.TryWrite(new Received(frame.AsSpan(ChannelData.HeaderLength, length).ToArray(), binding.Peer, true));
            return;
        }
        if (!StunMessage.TryParse(frame, out var message))
        {
            Interlocked.Increment(ref _droppedPackets);
            if (_log.IsEnabled(LogLevel.Debug)) TurnLog.Dropped(_log, frame.Length, ServerEndPoint.ToString(), frame.Length > 0 ? frame[0] : (byte)0, "neither STUN nor ChannelData");
            return;
        }
        switch (message.Class)
        {
            case StunClass.SuccessResponse or StunClass.ErrorResponse:
                // A response to no pending transaction is most often the answer to a retransmission
                // whose first answer already completed it: counted apart from dropped data.
                if (!_transactions.TryHandleResponse(message)) Interlocked.Increment(ref _strayResponses);
                return;
            case StunClass.Indication when message.Method == StunMethod.Data &&
                                            message.TryGetXorAddress(out XorPeerAddress peer) &&
                                            message.TryGet(out Data data):
                _received.Writer.TryWrite(new Received(data.Value.ToArray(), Normalize(peer.EndPoint), false));
                return;
            default:
                Interlocked.Increment(ref _droppedPackets);
                if (_log.IsEnabled(LogLevel.Debug)) TurnLog.Dropped(_log, frame.Length, ServerEndPoint.ToString(), frame[0], $"unexpected {message.Type}");
                return;
        }
    }

    private static IPEndPoint Normalize(IPEndPoint endPoint) =>
        endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;

    /// <summary>Waits for the next packet a peer sent through the relay; copies it into
    /// <paramref name="buffer"/> (truncating, as UDP does). Throws <see cref="ObjectDisposedException"/> once closed.</summary>
    public async ValueTask<TurnReceiveResult> ReceiveFromAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfClosed(); // a closed allocation yields nothing, not what was still queued
        Received packet;
        try
        {
            packet = await _received.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (System.Threading.Channels.ChannelClosedException ex)
        {
            throw new ObjectDisposedException(nameof(TurnClient), ex);
        }
        int length = Math.Min(packet.Data.Length, buffer.Length);
        packet.Data.AsSpan(0, length).CopyTo(buffer.Span);
        return new TurnReceiveResult(length, packet.Peer, packet.ViaChannel);
    }

    /// <summary>
    /// Installs (or refreshes) a permission for <paramref name="peer"/> (RFC 8656 §9): the server
    /// then relays what that IP sends to our relayed address. Refreshed automatically afterwards.
    /// </summary>
    public async Task CreatePermissionAsync(IPAddress peer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ThrowIfClosed();
        if (peer.IsIPv4MappedToIPv6) peer = peer.MapToIPv4();
        await RequestAsync(StunMethod.CreatePermission, b => b.AddXorAddress(new XorPeerAddress(new IPEndPoint(peer, 0))), cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (!_permissions.TryGetValue(peer, out var permission)) _permissions[peer] = permission = new Permission();
            permission.Installed = true;
        }
        TurnLog.PermissionInstalled(_log, peer.ToString(), RelayedAddress.ToString());
    }

    /// <summary>
    /// Binds a channel to <paramref name="peer"/> (RFC 8656 §12.1), which also installs its
    /// permission; returns the channel number (0x4000-0x4FFF). Refreshed automatically.
    /// </summary>
    public async Task<ushort> BindChannelAsync(IPEndPoint peer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ThrowIfClosed();
        peer = Normalize(peer);
        Binding binding;
        lock (_gate)
        {
            if (!_channelsByPeer.TryGetValue(peer, out binding!))
            {
                if (_nextChannel > ChannelData.MaxChannel) throw new TurnException(TurnError.AllocationRefused, "All 4096 channel numbers are in use.");
                binding = new Binding(_nextChannel++, peer);
                _channelsByPeer[peer] = binding;
                _channelsByNumber[binding.Number] = binding;
            }
            if (binding.Bound) return binding.Number;
        }
        await SendChannelBindAsync(binding, cancellationToken).ConfigureAwait(false);
        return binding.Number;
    }

    private async Task SendChannelBindAsync(Binding binding, CancellationToken cancellationToken)
    {
        await RequestAsync(StunMethod.ChannelBind, b =>
        {
            b.Add(new ChannelNumber(binding.Number));
            b.AddXorAddress(new XorPeerAddress(binding.Peer));
        }, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            binding.Bound = true;
            if (!_permissions.TryGetValue(binding.Peer.Address, out var permission)) _permissions[binding.Peer.Address] = permission = new Permission();
            permission.Installed = true;
        }
        TurnLog.ChannelBound(_log, binding.Number, binding.Peer.ToString(), RelayedAddress.ToString());
    }

    /// <summary>
    /// Sends <paramref name="data"/> to <paramref name="peer"/> through the relay: as ChannelData
    /// when a channel is bound, else in a Send indication (RFC 8656 §10). A peer without a
    /// permission gets one (and, with <see cref="TurnSettings.UseChannels"/>, a channel)
    /// in the background; its first packets wait for the permission, then go. Loss is silent.
    /// </summary>
    public async ValueTask SendToAsync(ReadOnlyMemory<byte> data, IPEndPoint peer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (data.Length > ushort.MaxValue) throw new ArgumentException("At most 65535 bytes per packet.", nameof(data));
        ThrowIfClosed();
        peer = Normalize(peer);
        ushort? channel = null;
        bool permitted;
        lock (_gate)
        {
            if (_channelsByPeer.TryGetValue(peer, out var binding) && binding.Bound) channel = binding.Number;
            if (!_permissions.TryGetValue(peer.Address, out var permission)) _permissions[peer.Address] = permission = new Permission();
            permitted = permission.Installed;
            if (!permitted)
            {
                if (permission.Queue.Count < MaxQueuedPerPeer) permission.Queue.Add((data.ToArray(), peer));
                else Interlocked.Increment(ref _droppedPackets);
                permission.Pending ??= EstablishPermissionAsync(peer.Address, permission);
                return;
            }
            if (channel is null && _options.UseChannels && binding is null)
            {
                binding = new Binding(_nextChannel <= ChannelData.MaxChannel ? _nextChannel++ : (ushort)0, peer);
                if (binding.Number != 0)
                {
                    _channelsByPeer[peer] = binding;
                    _channelsByNumber[binding.Number] = binding;
                    binding.Pending = BindInBackgroundAsync(binding);
                }
            }
        }
        await SendDataAsync(data, peer, channel, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask SendDataAsync(ReadOnlyMemory<byte> data, IPEndPoint peer, ushort? channel, CancellationToken cancellationToken)
    {
        byte[] frame;
        if (channel is { } number)
        {
            frame = new ChannelData(number, data).ToArray(padded: false);
        }
        else
        {
            var builder = new StunMessageBuilder(new StunMessageType(StunMethod.Send, StunClass.Indication), StunTransactionId.NewId(), data.Length + 64);
            builder.AddXorAddress(new XorPeerAddress(peer));
            builder.Add(new Data(data));
            frame = builder.ToArray();
        }
        try
        {
            await _transport.SendAsync(frame, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
        {
            // Loss is silent for datagrams; a broken connection is reported through Failed.
            Interlocked.Increment(ref _droppedPackets);
        }
    }

    private async Task EstablishPermissionAsync(IPAddress address, Permission permission)
    {
        List<(byte[] Data, IPEndPoint Peer)> queued;
        try
        {
            await Task.Yield();
            await CreatePermissionAsync(address, _stop.Token).ConfigureAwait(false);
            lock (_gate)
            {
                queued = permission.Queue;
                permission.Queue = [];
                permission.Pending = null;
            }
        }
        catch (Exception ex)
        {
            lock (_gate)
            {
                Interlocked.Add(ref _droppedPackets, permission.Queue.Count);
                permission.Queue.Clear();
                permission.Pending = null;
                if (!permission.Installed) _permissions.Remove(address);
            }
            if (ex is not OperationCanceledException) BackgroundFailed($"CreatePermission {address}", ex);
            return;
        }
        foreach (var (data, peer) in queued)
        {
            try
            {
                await SendToAsync(data, peer, _stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or OperationCanceledException or TurnException)
            {
                return;
            }
        }
    }

    private async Task BindInBackgroundAsync(Binding binding)
    {
        try
        {
            await Task.Yield();
            await SendChannelBindAsync(binding, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            lock (_gate)
            {
                // Leave the number reserved (the server may have bound it) but stop using it for sends.
                binding.Pending = null;
            }
            if (ex is not OperationCanceledException) BackgroundFailed($"ChannelBind {binding.Number:x4} {binding.Peer}", ex);
        }
    }

    /// <summary>Refreshes the allocation now (RFC 8656 §8); the timer does this on its own.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        var (response, _) = await RequestAsync(StunMethod.Refresh, b =>
        {
            if (_options.RequestedLifetime is { } lifetime) b.Add(new Lifetime((uint)lifetime.TotalSeconds));
        }, cancellationToken).ConfigureAwait(false);
        if (response.TryGet(out Lifetime granted)) Lifetime = TimeSpan.FromSeconds(granted.Seconds);
        Interlocked.Increment(ref _refreshCount);
        TurnLog.Refreshed(_log, RelayedAddress.ToString(), Lifetime.TotalSeconds);
    }

    /// <summary>When to refresh: a minute before expiry, or at half the lifetime when it is short.</summary>
    internal static TimeSpan RefreshDelay(TimeSpan lifetime) =>
        lifetime > TimeSpan.FromMinutes(2) ? lifetime - TimeSpan.FromMinutes(1) : lifetime / 2;

    private void StartTimers()
    {
        _allocationTimer = _time.CreateTimer(static s => ((TurnClient)s!).OnAllocationTimer(), this, RefreshDelay(Lifetime), Timeout.InfiniteTimeSpan);
        _permissionTimer = _time.CreateTimer(static s => ((TurnClient)s!).OnPermissionTimer(), this, _options.PermissionRefreshInterval, _options.PermissionRefreshInterval);
        _channelTimer = _time.CreateTimer(static s => ((TurnClient)s!).OnChannelTimer(), this, _options.ChannelRefreshInterval, _options.ChannelRefreshInterval);
    }

    private void OnAllocationTimer() => _ = RefreshInBackgroundAsync();

    private async Task RefreshInBackgroundAsync()
    {
        var retry = TimeSpan.FromSeconds(5);
        try
        {
            await RefreshAsync(_stop.Token).ConfigureAwait(false);
            retry = RefreshDelay(Lifetime);
        }
        catch (TurnException ex) when (ex.Error == TurnError.Closed || ex.ErrorCode == StunErrorCodes.AllocationMismatch)
        {
            Fail(new TurnException(TurnError.Closed, $"The allocation on {ServerEndPoint} is gone: {ex.Message}", ex.ErrorCode, ex.Reason, ex));
            return;
        }
        catch (Exception ex)
        {
            if (_stop.IsCancellationRequested) return;
            BackgroundFailed($"Refresh", ex);
            // Try again sooner, but not past a quarter of the lifetime.
            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks, Math.Max(Lifetime.Ticks / 4, TimeSpan.FromMilliseconds(200).Ticks)));
        }
        try
        {
            _allocationTimer?.Change(retry, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Closed meanwhile.
        }
    }

    private void OnPermissionTimer() => _ = RefreshPermissionsAsync();

    private async Task RefreshPermissionsAsync()
    {
        IPAddress[] addresses;
        lock (_gate) addresses = _permissions.Where(p => p.Value.Installed).Select(p => p.Key).ToArray();
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

    private void OnChannelTimer() => _ = RefreshChannelsAsync();

    private async Task RefreshChannelsAsync()
    {
        Binding[] bindings;
        lock (_gate) bindings = _channelsByNumber.Values.Where(b => b.Bound).ToArray();
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

    /// <summary>The channel bound to <paramref name="peer"/>, if its ChannelBind succeeded.</summary>
    public ushort? GetChannel(IPEndPoint peer)
    {
        lock (_gate) return _channelsByPeer.TryGetValue(Normalize(peer), out var b) && b.Bound ? b.Number : null;
    }

    /// <summary>True when a permission for <paramref name="peer"/> is installed.</summary>
    public bool HasPermission(IPAddress peer)
    {
        lock (_gate) return _permissions.TryGetValue(peer.IsIPv4MappedToIPv6 ? peer.MapToIPv4() : peer, out var p) && p.Installed;
    }

    private void BackgroundFailed(string operation, Exception ex)
    {
        Volatile.Write(ref _lastError, $"{operation}: {ex.Message}");
        TurnLog.BackgroundFailed(_log, operation, RelayedAddress.ToString(), ex.Message);
    }

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
        _allocationTimer?.Dispose();
        _permissionTimer?.Dispose();
        _channelTimer?.Dispose();
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
        _allocationTimer?.Dispose();
        _permissionTimer?.Dispose();
        _channelTimer?.Dispose();
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
        _received.Writer.TryComplete();
        _transportFailed.TrySetResult(new TurnException(TurnError.Closed, "The TURN client is closed."));
    }

    public async ValueTask DisposeAsync() => await CloseAsync().ConfigureAwait(false);
}
