using System.Net;
using System.Net.Sockets;

namespace WebRtcPS.Engine.Ice;

// The I/O the core asks for: host sockets (UDP, and ICE-TCP listeners and active sockets), STUN
// server names, relay allocations, mDNS names, and closing sockets it will not use. Sockets are
// named for the core by IceSocketId; results come back to the loop as inputs.
public sealed partial class IceAgent
{
    private readonly Dictionary<IceSocketId, IIcePacketSocket> _sockets = [];
    /// <summary>The relay sockets still open, with their allocation (to report one that is lost).</summary>
    private readonly Dictionary<IceSocketId, RelayAllocation> _relays = [];
    /// <summary>Lost allocations whose re-allocation gave up: an ICE restart tries them again.</summary>
    private readonly List<RelayAllocation> _abandonedRelays = [];
    private readonly List<IDisposable> _mdnsPublications = [];
    private int _lastSocketId;

    private void Perform(IceIoRequest request)
    {
        switch (request)
        {
            case OpenHostSocketsRequest open:
                OpenHostSockets(open);
                break;
            case ResolveStunServerRequest stun:
                _ = ResolveStunServerAsync(stun.Server);
                break;
            case AllocateRelaysRequest:
                if (_options.RelaySource is { } source) _ = GatherRelayedAsync(source);
                else _core.RelaysDone(Now);
                break;
            case ResolveMdnsRequest mdns:
                _ = ResolveMdnsAsync(mdns);
                break;
            case PublishMdnsNameRequest publish:
                PublishMdnsName(publish);
                break;
            case CloseSocketRequest close:
                _relays.Remove(close.Socket);
                if (_sockets.Remove(close.Socket, out var socket)) _ = socket.DisposeAsync().AsTask();
                break;
        }
    }

    private IceSocketId Register(IIcePacketSocket socket)
    {
        var id = new IceSocketId(++_lastSocketId);
        _sockets[id] = socket;
        return id;
    }

    /// <summary>Binds the host sockets at once (the core waits for them before anything else of
    /// gathering), UDP first, then per address a TCP listener and an active TCP socket.</summary>
    private void OpenHostSockets(OpenHostSocketsRequest request)
    {
        var now = Now;
        var addresses = request.Addresses;
        for (int i = 0; request.Udp && i < addresses.Count; i++)
        {
            IIcePacketSocket socket;
            try
            {
                socket = _network.BindUdp(new IPEndPoint(addresses[i], 0));
            }
            catch (SocketException ex)
            {
                _core.HostSocketFailed(now, addresses[i].ToString(), $"cannot bind a UDP socket: {ex.Message}");
                continue;
            }
            var id = Register(socket);
            _core.HostSocketOpened(now, id, socket.LocalEndPoint, i, RTCIceProtocol.Udp);
            StartReceiver(id, socket);
        }
        if (request.Tcp) OpenTcpHostSockets(addresses, now);
        _core.HostSocketsDone(now);
    }

    private void OpenTcpHostSockets(IReadOnlyList<IPAddress> addresses, TimeSpan now)
    {
        if (_network is not UdpIceNetwork)
        {
            _core.HostSocketFailed(now, "", "TCP candidates need the operating system's network (not available on this IIceNetwork)");
            return;
        }
        for (int i = 0; i < addresses.Count; i++)
        {
            var address = addresses[i];
            TcpPassiveIcePacketSocket? passive = null;
            try
            {
                passive = TcpPassiveIcePacketSocket.Listen(new IPEndPoint(address, 0));
            }
            catch (SocketException ex)
            {
                _core.HostSocketFailed(now, address.ToString(), $"cannot listen on TCP: {ex.Message}");
            }
            if (passive is not null) OpenedTcpHostSocket(passive, i, now);
            OpenedTcpHostSocket(new TcpActiveIcePacketSocket(address), i, now);
        }
    }

    private void OpenedTcpHostSocket(TcpIcePacketSocket socket, int addressIndex, TimeSpan now)
    {
        var id = Register(socket);
        socket.ConnectionChanged = (localEnd, remote, reason) =>
            _inputs.Writer.TryWrite(new Command(() => _core.TcpConnectionChanged(Now, id, localEnd, remote, reason)));
        _core.HostSocketOpened(now, id, socket.LocalEndPoint, addressIndex, RTCIceProtocol.Tcp, socket.TcpType);
        StartReceiver(id, socket);
    }

    private async Task ResolveStunServerAsync(IceServerUri uri)
    {
        IPAddress[] addresses;
        string? error = null;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(uri.Host, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or ArgumentException or OperationCanceledException)
        {
            addresses = [];
            error = ex.Message;
        }
        _inputs.Writer.TryWrite(new Command(() => _core.StunServerResolved(Now, uri, addresses, error)));
    }

    private async Task GatherRelayedAsync(IRelayCandidateSource source)
    {
        try
        {
            await foreach (var allocation in source.AllocateAsync(_network, _stop.Token).ConfigureAwait(false))
            {
                if (!_inputs.Writer.TryWrite(new Command(() => OnRelayAllocation(allocation))) && allocation.Socket is { } late)
                    await late.DisposeAsync().ConfigureAwait(false);   // the agent is closed
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var message = ex.Message;
            _inputs.Writer.TryWrite(new Command(() => _core.RelayFailed(Now, "turn", "", message)));
        }
        catch (OperationCanceledException)
        {
            // Closing.
        }
        finally
        {
            _inputs.Writer.TryWrite(new Command(() => _core.RelaysDone(Now)));
        }
    }

    private void OnRelayAllocation(RelayAllocation allocation)
    {
        if (allocation.Socket is not { } socket)
        {
            _core.RelayFailed(Now, allocation.Url ?? "turn", allocation.MappedAddress?.ToString() ?? "", allocation.Error ?? "allocation without a relayed address", allocation.ErrorCode);
            return;
        }
        var id = Register(socket);
        _relays[id] = allocation;
        _core.RelayReady(Now, id, allocation);
        // A refused allocation (an error, or the agent closed) is closed by the core's request.
        TakeOutputs();
        if (_sockets.ContainsKey(id)) StartReceiver(id, socket);
    }

    /// <summary>On the loop: a relay socket stopped receiving while the agent runs: its allocation
    /// is gone. Reported, its candidate and pairs dropped, and allocated again (RFC 8656 §7).</summary>
    private void OnRelayLost(IceSocketId id, string why)
    {
        if (!_relays.Remove(id, out var allocation)) return;
        _core.RelayLost(Now, id, allocation.Url ?? "turn", allocation.RelayedAddress?.ToString() ?? "", $"the relayed candidate {allocation.RelayedAddress} is gone: {why}");
        if (_options.RelaySource is { } source && _options.RelayReallocationAttempts > 0) _ = ReallocateRelayAsync(source, allocation);
    }

    /// <summary>A new allocation for a lost one, after a doubling backoff, a bounded number of
    /// times; each failure is a candidate error, the success a new relayed candidate (trickled and
    /// paired with the remote candidates like any other).</summary>
    private async Task ReallocateRelayAsync(IRelayCandidateSource source, RelayAllocation lost)
    {
        var backoff = _options.RelayReallocationBackoff;
        int attempts = _options.RelayReallocationAttempts;
        for (int attempt = 1; attempt <= attempts; attempt++, backoff *= 2)
        {
            RelayAllocation? next;
            try
            {
                await Task.Delay(backoff, _time, _stop.Token).ConfigureAwait(false);
                next = await source.ReallocateAsync(lost, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;   // closing
            }
            catch (Exception ex)
            {
                next = lost with { Socket = null, RelayedAddress = null, Error = ex.Message, ErrorCode = null };
            }
            if (next is null) return;   // the source cannot re-allocate
            if (next.Socket is { } socket)
            {
                if (!_inputs.Writer.TryWrite(new Command(() => OnRelayAllocation(next)))) await socket.DisposeAsync().ConfigureAwait(false);
                return;
            }
            var text = $"re-allocating the lost relayed candidate {lost.RelayedAddress} (attempt {attempt} of {attempts}): {next.Error}";
            var url = next.Url ?? lost.Url ?? "turn";
            var code = next.ErrorCode;
            _inputs.Writer.TryWrite(new Command(() => _core.RelayFailed(Now, url, "", text, code)));
        }
        _inputs.Writer.TryWrite(new Command(() => _abandonedRelays.Add(lost)));
    }

    /// <summary>On the loop, at an ICE restart: a fresh relayed candidate for each lost one that
    /// could not be re-allocated, rather than none (the lost one is not announced again).</summary>
    private void RetryAbandonedRelays()
    {
        if (_options.RelaySource is not { } source) return;
        foreach (var lost in _abandonedRelays) _ = ReallocateRelayAsync(source, lost);
        _abandonedRelays.Clear();
    }

    private async Task ResolveMdnsAsync(ResolveMdnsRequest request)
    {
        IReadOnlyList<IPAddress> addresses = [];
        string? error = null;
        try
        {
            if (_options.MdnsResolver is { } resolver) addresses = await resolver.ResolveAsync(request.Name, request.Timeout, _stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;   // closing
        }
        catch (Exception ex)
        {
            error = ex.Message;
        }
        _inputs.Writer.TryWrite(new Command(() => _core.MdnsResolved(Now, request.Id, addresses, error)));
    }

    /// <summary>Answers queries for a hidden host candidate's name until the agent is disposed; a
    /// responder that cannot (port 5353 refused) is reported as a candidate error, and the
    /// candidate is then reachable only through peer-reflexive discovery.</summary>
    private void PublishMdnsName(PublishMdnsNameRequest request)
    {
        var responder = _options.MdnsResponder ?? MulticastDnsResponder.Shared;
        try
        {
            _mdnsPublications.Add(responder.Publish(request.Name, request.Address));
        }
        catch (Exception ex) when (ex is SocketException or ArgumentException)
        {
            _core.HostSocketFailed(Now, request.Address.ToString(), $"cannot answer mDNS queries for {request.Name}: {ex.Message}");
        }
    }

    /// <summary>After the loop has ended (no more publications can come).</summary>
    private void UnpublishMdnsNames()
    {
        foreach (var publication in _mdnsPublications) publication.Dispose();
        _mdnsPublications.Clear();
    }
}
