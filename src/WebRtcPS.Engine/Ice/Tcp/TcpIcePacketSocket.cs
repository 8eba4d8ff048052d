using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace WebRtcPS.Engine.Ice;

/// <summary>
/// An ICE-TCP candidate (RFC 6544) presented to the agent as an <see cref="IIcePacketSocket"/>:
/// every TCP connection of the candidate is keyed by the peer's transport address, so a
/// "datagram to X" is a frame on the connection with X and a frame from a connection is a
/// "datagram from X". The agent's checks, responses, consent and the DTLS carried by
/// <see cref="IceTransport"/> work unchanged above it; RFC 7983 demultiplexing happens above the framing.
/// <see cref="TcpPassiveIcePacketSocket"/> accepts connections; <see cref="TcpActiveIcePacketSocket"/> opens them.
/// </summary>
internal abstract class TcpIcePacketSocket : IIcePacketSocket
{
    // Bounded like a socket buffer: when nobody reads, datagrams drop, as UDP would.
    private readonly Channel<(byte[] Data, IPEndPoint From)> _inbox = Channel.CreateBounded<(byte[], IPEndPoint)>(new BoundedChannelOptions(4096)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.DropWrite,
    });
    private protected readonly ConcurrentDictionary<IPEndPoint, TcpIceConnection> Connections = new();
    private long _connectionsDropped, _sendsDropped;
    private int _disposed;

    private protected TcpIcePacketSocket(IPEndPoint localEndPoint) => LocalEndPoint = localEndPoint;

    /// <summary>The candidate's transport address (port 9 for an active candidate, RFC 6544 §4.5).</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The tcptype of the candidate this socket carries.</summary>
    public abstract RTCIceTcpCandidateType TcpType { get; }

    /// <summary>Peers with an open connection.</summary>
    public IReadOnlyList<IPEndPoint> ConnectedPeers => Connections.Values.Where(c => !c.IsClosed).Select(c => c.RemoteEndPoint).ToArray();

    /// <summary>Connections closed because the peer sent what is not ICE-TCP (bad framing, not STUN/DTLS).</summary>
    public long ConnectionsDropped => Interlocked.Read(ref _connectionsDropped);

    /// <summary>Datagrams not sent: no connection to that peer (passive) or its queue was full.</summary>
    public long SendsDropped => Interlocked.Read(ref _sendsDropped);

    private protected bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Told when a connection opens (reason null) or closes (with why); set by the agent.
    /// Called on socket threads: keep it short and thread-safe.</summary>
    internal Action<IPEndPoint?, IPEndPoint, string?>? ConnectionChanged { get; set; }

    public ValueTask SendToAsync(ReadOnlyMemory<byte> datagram, IPEndPoint remote, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        ArgumentNullException.ThrowIfNull(remote);
        cancellationToken.ThrowIfCancellationRequested();
        var connection = GetConnection(Normalize(remote));
        if (connection is null || !connection.Enqueue(datagram.Span)) Interlocked.Increment(ref _sendsDropped);
        return ValueTask.CompletedTask;
    }

    public async ValueTask<IcePacketReceiveResult> ReceiveFromAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        (byte[] Data, IPEndPoint From) item;
        try
        {
            item = await _inbox.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(GetType().Name);
        }
        int n = Math.Min(item.Data.Length, buffer.Length);
        item.Data.AsSpan(0, n).CopyTo(buffer.Span);
        return new IcePacketReceiveResult(n, item.From);
    }

    /// <summary>Closes the connection with <paramref name="remote"/>, if any (tests, diagnostics).</summary>
    public bool CloseConnection(IPEndPoint remote, string reason = "closed locally")
    {
        if (!Connections.TryGetValue(Normalize(remote), out var connection)) return false;
        connection.Close(reason);
        return true;
    }

    public virtual ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return ValueTask.CompletedTask;
        _inbox.Writer.TryComplete();
        foreach (var connection in Connections.Values) connection.Close("candidate closed");
        Connections.Clear();
        return ValueTask.CompletedTask;
    }

    /// <summary>The connection that carries datagrams to <paramref name="remote"/>, or null (then the datagram is lost).</summary>
    private protected abstract TcpIceConnection? GetConnection(IPEndPoint remote);

    private protected void OnDatagram(TcpIceConnection connection, byte[] datagram) => _inbox.Writer.TryWrite((datagram, connection.RemoteEndPoint));

    /// <summary>Reports the connection's opening once it is up.</summary>
    private protected void Track(TcpIceConnection connection) =>
        connection.Opened.ContinueWith(static (t, s) =>
        {
            var (owner, c) = ((TcpIcePacketSocket, TcpIceConnection))s!;
            if (t.IsCompletedSuccessfully) owner.ConnectionChanged?.Invoke(c.LocalEndPoint, c.RemoteEndPoint, null);
        }, (this, connection), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private protected void OnClosed(TcpIceConnection connection, string reason)
    {
        ConnectionChanged?.Invoke(connection.LocalEndPoint, connection.RemoteEndPoint, reason);
        Connections.TryRemove(new KeyValuePair<IPEndPoint, TcpIceConnection>(connection.RemoteEndPoint, connection));
        if (reason.StartsWith("dropped:", StringComparison.Ordinal)) Interlocked.Increment(ref _connectionsDropped);
    }

    private protected static IPEndPoint Normalize(IPEndPoint endPoint) =>
        endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;
}

/// <summary>
/// A passive ICE-TCP candidate (RFC 6544 §4.5): a listening socket; the peer's active candidates
/// connect to it. Datagrams go only to peers that have connected (a passive candidate never
/// opens a connection); the agent learns each connecting peer as a peer-reflexive candidate
/// from its first check (RFC 6544 §7.2).
/// </summary>
internal sealed class TcpPassiveIcePacketSocket : TcpIcePacketSocket
{
    /// <summary>Open connections per listener; more are refused (closed on accept).</summary>
    public const int MaxConnections = 64;

    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();

    private TcpPassiveIcePacketSocket(Socket listener) : base((IPEndPoint)listener.LocalEndPoint!)
    {
        _listener = listener;
        _ = Task.Run(AcceptLoopAsync);
    }

    public override RTCIceTcpCandidateType TcpType => RTCIceTcpCandidateType.Passive;

    /// <summary>Listens on <paramref name="localEndPoint"/> (port 0 picks a free port, read back after Bind).</summary>
    public static TcpPassiveIcePacketSocket Listen(IPEndPoint localEndPoint)
    {
        ArgumentNullException.ThrowIfNull(localEndPoint);
        var socket = new Socket(localEndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (localEndPoint.AddressFamily == AddressFamily.InterNetworkV6) socket.DualMode = false;
            socket.Bind(localEndPoint);
            socket.Listen(16);
            return new TcpPassiveIcePacketSocket(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private protected override TcpIceConnection? GetConnection(IPEndPoint remote) =>
        Connections.TryGetValue(remote, out var connection) && !connection.IsClosed ? connection : null;

    private async Task AcceptLoopAsync()
    {
        while (!IsDisposed)
        {
            Socket accepted;
            try
            {
                accepted = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or OperationCanceledException)
            {
                return;
            }
            catch (SocketException)
            {
                if (IsDisposed) return;
                continue;
            }
            if (IsDisposed || Connections.Count >= MaxConnections)
            {
                accepted.Dispose();
                continue;
            }
            accepted.NoDelay = true;
            var connection = TcpIceConnection.Accepted(accepted, OnDatagram, OnClosed);
            Track(connection);
            if (!Connections.TryAdd(connection.RemoteEndPoint, connection)) connection.Close("duplicate peer address");
            else if (IsDisposed) connection.Close("candidate closed");
        }
    }

    public override ValueTask DisposeAsync()
    {
        if (!IsDisposed)
        {
            _stop.Cancel();
            _listener.Dispose();
        }
        return base.DisposeAsync();
    }

    public override string ToString() => $"tcp passive {LocalEndPoint}";
}

/// <summary>
/// An active ICE-TCP candidate (RFC 6544 §4.5): signalled with port 9; the first datagram to a
/// remote (passive) candidate opens a connection from the candidate's address, and datagrams
/// wait in its queue until it is up. A closed connection is opened again by the next datagram
/// (a retransmitted check or consent request).
/// </summary>
internal sealed class TcpActiveIcePacketSocket : TcpIcePacketSocket
{
    /// <summary>The discard port active candidates carry (RFC 6544 §4.5).</summary>
    public const int DiscardPort = 9;

    private readonly object _gate = new();

    /// <summary>An active candidate on <paramref name="address"/>; nothing is bound until it connects.</summary>
    public TcpActiveIcePacketSocket(IPAddress address) : base(new IPEndPoint(address ?? throw new ArgumentNullException(nameof(address)), DiscardPort))
    {
    }

    public override RTCIceTcpCandidateType TcpType => RTCIceTcpCandidateType.Active;

    private protected override TcpIceConnection? GetConnection(IPEndPoint remote)
    {
        if (Connections.TryGetValue(remote, out var existing) && !existing.IsClosed) return existing;
        if (remote.Port is 0 or DiscardPort || remote.AddressFamily != LocalEndPoint.AddressFamily) return null;
        lock (_gate)
        {
            if (IsDisposed) return null;
            if (Connections.TryGetValue(remote, out existing) && !existing.IsClosed) return existing;
            TcpIceConnection connection;
            try
            {
                connection = TcpIceConnection.Connect(LocalEndPoint.Address, remote, OnDatagram, OnClosed);
            }
            catch (SocketException)
            {
                return null;
            }
            Connections[remote] = connection;
            Track(connection);
            if (IsDisposed) connection.Close("candidate closed");
            return connection;
        }
    }

    public override string ToString() => $"tcp active {LocalEndPoint.Address}";
}
