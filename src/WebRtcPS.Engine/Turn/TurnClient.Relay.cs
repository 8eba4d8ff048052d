using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using WebRtcPS.Engine.Stun;
using WebRtcPS.Engine.Stun.Attributes;

namespace WebRtcPS.Engine.Turn;

// Receive loop, permissions (RFC 8656 §9), channels (§12), Send/Data indications (§10, §11).
// The maps are the loop's; the data paths read the routes it publishes.
internal sealed partial class TurnClient
{
    private volatile RelayRoutes _routes = RelayRoutes.Empty;

    /// <summary>What the data paths need, published by the loop after each change: installed
    /// permissions, each peer's channel (null while reserved and not bound) and each channel's peer.
    /// Fresh collections each time, never changed once published, so any thread may read them.</summary>
    private sealed record RelayRoutes(
        HashSet<IPAddress> Permitted,
        Dictionary<IPEndPoint, ushort?> ChannelByPeer,
        Dictionary<ushort, IPEndPoint> PeerByChannel)
    {
        public static readonly RelayRoutes Empty = new([], [], []);
    }

    /// <summary>On the loop: publishes the routes after the maps changed.</summary>
    private void PublishRoutes() => _routes = new RelayRoutes(
        _permissions.Where(p => p.Value.Installed).Select(p => p.Key).ToHashSet(),
        _channelsByPeer.ToDictionary(b => b.Key, b => b.Value.Bound ? b.Value.Number : (ushort?)null),
        _channelsByNumber.ToDictionary(b => b.Key, b => b.Value.Peer));

    /// <summary>On the loop: the permission entry for <paramref name="address"/>, created when missing.</summary>
    private Permission PermissionFor(IPAddress address)
    {
        if (!_permissions.TryGetValue(address, out var permission)) _permissions[address] = permission = new Permission();
        return permission;
    }

    /// <summary>On the loop: a new channel number bound to nobody yet, or null when all are taken.</summary>
    private Binding? ReserveChannel(IPEndPoint peer)
    {
        if (_nextChannel > ChannelData.MaxChannel) return null;
        var binding = new Binding(_nextChannel++, peer);
        _channelsByPeer[peer] = binding;
        _channelsByNumber[binding.Number] = binding;
        return binding;
    }

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
            IPEndPoint? peer = null;
            if (ChannelData.TryReadHeader(frame, out ushort number, out int length)) _routes.PeerByChannel.TryGetValue(number, out peer);
            if (peer is null)
            {
                Interlocked.Increment(ref _droppedPackets);
                if (_log.IsEnabled(LogLevel.Debug)) TurnLog.Dropped(_log, frame.Length, ServerEndPoint.ToString(), frame[0], "ChannelData on no bound channel, or malformed");
                return;
            }
            _received.Writer.TryWrite(new Received(frame.AsSpan(ChannelData.HeaderLength, length).ToArray(), peer, true));
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
            // The allocation failed (a 437 to a Refresh, the connection lost): say why.
            if (_transportFailed.Task.IsCompletedSuccessfully) throw new ObjectDisposedException(_transportFailed.Task.Result.Message, ex);
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
        await OnLoopAsync(() =>
        {
            PermissionFor(peer).Installed = true;
            PublishRoutes();
        }).ConfigureAwait(false);
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
        var (binding, bound) = await _loop.InvokeAsync(() =>
        {
            if (!_channelsByPeer.TryGetValue(peer, out var existing))
            {
                existing = ReserveChannel(peer) ?? throw new TurnException(TurnError.AllocationRefused, "All 4096 channel numbers are in use.");
                PublishRoutes();
            }
            return (existing, existing.Bound);
        }).ConfigureAwait(false);
        if (bound) return binding.Number;
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
        await OnLoopAsync(() =>
        {
            binding.Bound = true;
            PermissionFor(binding.Peer.Address).Installed = true;
            PublishRoutes();
        }).ConfigureAwait(false);
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
        var routes = _routes;
        ushort? channel = null;
        if (routes.Permitted.Contains(peer.Address) && (routes.ChannelByPeer.TryGetValue(peer, out channel) || !_options.UseChannels))
        {
            // The usual case: nothing to set up, nothing for the loop to do.
            await SendDataAsync(data, peer, channel, cancellationToken).ConfigureAwait(false);
            return;
        }
        var (send, bound) = await _loop.InvokeAsync(() => RouteFirstPacket(data, peer)).ConfigureAwait(false);
        if (send) await SendDataAsync(data, peer, bound, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>On the loop, for a packet to a peer the published routes do not cover yet: without
    /// a permission it is queued (32 at most) and the permission requested; with one, a channel is
    /// reserved and bound in the background (with <see cref="TurnSettings.UseChannels"/>) while this
    /// packet goes in a Send indication. Returns whether to send now, and on which channel.</summary>
    private (bool Send, ushort? Channel) RouteFirstPacket(ReadOnlyMemory<byte> data, IPEndPoint peer)
    {
        var permission = PermissionFor(peer.Address);
        if (!permission.Installed)
        {
            if (permission.Queue.Count < MaxQueuedPerPeer) permission.Queue.Add((data.ToArray(), peer));
            else Interlocked.Increment(ref _droppedPackets);
            permission.Pending ??= EstablishPermissionAsync(peer.Address, permission);
            return (false, null);
        }
        if (_channelsByPeer.TryGetValue(peer, out var binding)) return (true, binding.Bound ? binding.Number : null);
        if (_options.UseChannels && ReserveChannel(peer) is { } reserved)
        {
            reserved.Pending = BindInBackgroundAsync(reserved);
            PublishRoutes();
        }
        return (true, null);
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

    /// <summary>Started on the loop for the first packet to an address without a permission: the
    /// permission is requested off the loop, then the packets that waited for it are sent.</summary>
    private async Task EstablishPermissionAsync(IPAddress address, Permission permission)
    {
        await Task.Yield();   // off the loop before any I/O
        try
        {
            await CreatePermissionAsync(address, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await OnLoopAsync(() =>
            {
                Interlocked.Add(ref _droppedPackets, permission.Queue.Count);
                permission.Queue.Clear();
                permission.Pending = null;
                if (!permission.Installed) _permissions.Remove(address);
                PublishRoutes();
            }).ConfigureAwait(false);
            if (ex is not OperationCanceledException) BackgroundFailed($"CreatePermission {address}", ex);
            return;
        }
        var queued = await OnLoopAsync(() =>
        {
            var waiting = permission.Queue;
            permission.Queue = [];
            permission.Pending = null;
            return waiting;
        }, whenClosed: []).ConfigureAwait(false);
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

    /// <summary>Started on the loop when a permitted peer first gets data: ChannelBind off the loop.</summary>
    private async Task BindInBackgroundAsync(Binding binding)
    {
        await Task.Yield();   // off the loop before any I/O
        try
        {
            await SendChannelBindAsync(binding, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Leave the number reserved (the server may have bound it) but stop using it for sends.
            await OnLoopAsync(() => binding.Pending = null).ConfigureAwait(false);
            if (ex is not OperationCanceledException) BackgroundFailed($"ChannelBind {binding.Number:x4} {binding.Peer}", ex);
        }
    }

    /// <summary>The channel bound to <paramref name="peer"/>, if its ChannelBind succeeded.</summary>
    public ushort? GetChannel(IPEndPoint peer) => _routes.ChannelByPeer.TryGetValue(Normalize(peer), out var channel) ? channel : null;

    /// <summary>True when a permission for <paramref name="peer"/> is installed.</summary>
    public bool HasPermission(IPAddress peer) => _routes.Permitted.Contains(peer.IsIPv4MappedToIPv6 ? peer.MapToIPv4() : peer);

    private void BackgroundFailed(string operation, Exception ex)
    {
        Volatile.Write(ref _lastError, $"{operation}: {ex.Message}");
        TurnLog.BackgroundFailed(_log, operation, RelayedAddress.ToString(), ex.Message);
    }

}
