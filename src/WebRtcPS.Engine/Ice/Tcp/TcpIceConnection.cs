using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace WebRtcPS.Engine.Ice;

/// <summary>
/// One ICE-TCP connection (RFC 6544): RFC 4571 frames both ways over a stream socket. A read
/// loop hands each datagram to its owner's inbox; a write loop sends queued frames in order
/// (batched), after connecting when the connection is an outgoing one still being set up.
/// The connection closes itself, and only itself, when the peer sends what is not ICE-TCP
/// (see <see cref="IsAcceptable"/>), a frame over the limit, or closes its end.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "_closing is only cancelled (no timer, no wait handle): it holds nothing to release.")]
internal sealed class TcpIceConnection
{
    /// <summary>Largest datagram accepted: a DTLS record (2^14 + 2048, RFC 6347 §4.1) or a STUN message.</summary>
    public const int MaxDatagramLength = 16384 + 2048;

    /// <summary>Largest first frame: the first datagram on a connection is a STUN Binding
    /// request or response (RFC 6544 §7.1), which is small.</summary>
    public const int MaxFirstDatagramLength = 2048;

    /// <summary>Frames queued for sending before further sends are dropped, as a full UDP socket buffer would.</summary>
    private const int SendQueueLength = 1024;

    private readonly Socket _socket;
    private readonly EndPoint? _connectTo;
    private readonly Action<TcpIceConnection, byte[]> _onDatagram;
    private readonly Action<TcpIceConnection, string> _onClosed;
    private readonly Channel<byte[]> _sendQueue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(SendQueueLength)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.DropWrite,
    });
    private readonly CancellationTokenSource _closing = new();
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private static long _garbageDrops;
    private int _closed;

    private TcpIceConnection(Socket socket, IPEndPoint remote, EndPoint? connectTo, Action<TcpIceConnection, byte[]> onDatagram, Action<TcpIceConnection, string> onClosed)
    {
        _socket = socket;
        _connectTo = connectTo;
        RemoteEndPoint = remote;
        _onDatagram = onDatagram;
        _onClosed = onClosed;
    }

    /// <summary>The peer's transport address: the key the agent sends to and hears from.</summary>
    public IPEndPoint RemoteEndPoint { get; }

    /// <summary>Why the connection closed, once it has.</summary>
    public string? CloseReason { get; private set; }

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>Completes when the connection is up (at once for an accepted one); cancelled if it never is.</summary>
    public Task Opened => _connected.Task;

    /// <summary>The connection's local address once it is up (an active candidate's real port).</summary>
    public IPEndPoint? LocalEndPoint { get; private set; }

    /// <summary>Connections dropped for content that is not ICE-TCP, process-wide (diagnostics).</summary>
    public static long GarbageDrops => Interlocked.Read(ref _garbageDrops);

    /// <summary>An accepted connection that sends no whole first frame (a STUN check) within
    /// this time is dropped, so idle or trickling strangers cannot hold the listener's slots.</summary>
    public static readonly TimeSpan FirstFrameTimeout = TimeSpan.FromSeconds(10);

    /// <summary>A connection the peer opened (passive side), already established.</summary>
    public static TcpIceConnection Accepted(Socket socket, Action<TcpIceConnection, byte[]> onDatagram, Action<TcpIceConnection, string> onClosed)
    {
        var remote = Normalize((IPEndPoint)socket.RemoteEndPoint!);
        var connection = new TcpIceConnection(socket, remote, null, onDatagram, onClosed);
        connection.LocalEndPoint = socket.LocalEndPoint as IPEndPoint;
        connection._connected.TrySetResult();
        connection.Start();
        return connection;
    }

    /// <summary>A connection to <paramref name="remote"/> from <paramref name="localAddress"/>
    /// (active side); frames sent before it is up wait in the queue.</summary>
    public static TcpIceConnection Connect(IPAddress localAddress, IPEndPoint remote, Action<TcpIceConnection, byte[]> onDatagram, Action<TcpIceConnection, string> onClosed)
    {
        var socket = new Socket(localAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (localAddress.AddressFamily == AddressFamily.InterNetworkV6) socket.DualMode = false;
            socket.NoDelay = true;
            socket.Bind(new IPEndPoint(localAddress, 0));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var connection = new TcpIceConnection(socket, remote, remote, onDatagram, onClosed);
        connection.Start();
        return connection;
    }

    /// <summary>Queues one datagram (framed here). False when closed or the queue is full: loss.</summary>
    public bool Enqueue(ReadOnlySpan<byte> datagram)
    {
        if (IsClosed || datagram.IsEmpty || datagram.Length > Rfc4571Framing.MaxPayloadLength) return false;
        return _sendQueue.Writer.TryWrite(Rfc4571Framing.Frame(datagram));
    }

    /// <summary>Closes the socket once; the owner hears why through its callback.</summary>
    public void Close(string reason)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        CloseReason = reason;
        _sendQueue.Writer.TryComplete();
        try
        {
            _closing.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
        _socket.Dispose();
        _onClosed(this, reason);
    }

    /// <summary>
    /// The receive policy (RFC 6544 §7.1, RFC 7983 §7): the first datagram on a connection must be
    /// STUN (first byte 0-3) and small; later ones STUN or DTLS (20-63). Anything else means the
    /// stream is not ICE-TCP, or has lost its framing, so the connection is dropped.
    /// </summary>
    public static bool IsAcceptable(byte firstByte, bool isFirstFrame) =>
        firstByte <= 3 || (!isFirstFrame && firstByte is >= 20 and <= 63);

    private void Start()
    {
        _ = Task.Run(ReadLoopAsync);
        _ = Task.Run(WriteLoopAsync);
    }

    private async Task ReadLoopAsync()
    {
        var reader = new Rfc4571FrameReader(MaxDatagramLength);
        var buffer = new byte[8192];
        bool first = true;
        string reason = "closed by the peer";
        using var firstFrameTimer = _connectTo is null
            ? new Timer(static s => ((TcpIceConnection)s!).Close("dropped: no STUN check within the first-frame timeout"), this, FirstFrameTimeout, Timeout.InfiniteTimeSpan)
            : null;
        try
        {
            if (_connectTo is not null)
            {
                // Reads start once the write loop has connected.
                await _connected.Task.ConfigureAwait(false);
            }
            while (!IsClosed)
            {
                int n = await _socket.ReceiveAsync(buffer, SocketFlags.None, _closing.Token).ConfigureAwait(false);
                if (n == 0) break;
                reader.Append(buffer.AsSpan(0, n));
                while (true)
                {
                    if (reader.TryPeekPayloadLength(out int announced) && first && announced > MaxFirstDatagramLength)
                    {
                        reason = $"first frame of {announced} bytes is not a STUN check";
                        goto Drop;
                    }
                    if (reader.TryPeekPayloadByte(out byte firstByte) && !IsAcceptable(firstByte, first))
                    {
                        reason = $"frame starting with byte {firstByte} is neither STUN nor DTLS{(first ? " (the first frame must be STUN)" : "")}";
                        goto Drop;
                    }
                    var status = reader.TryRead(out var datagram);
                    if (status == Rfc4571ReadStatus.NeedMoreData) break;
                    if (status == Rfc4571ReadStatus.Invalid)
                    {
                        reader.TryPeekPayloadLength(out int length);
                        reason = $"invalid frame length {length}";
                        goto Drop;
                    }
                    if (first) firstFrameTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                    first = false;
                    _onDatagram(this, datagram!);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            reason = ex is SocketException se ? $"socket error {se.SocketErrorCode}" : "closed";
        }
        Close(reason);
        return;
    Drop:
        Interlocked.Increment(ref _garbageDrops);
        Close("dropped: " + reason);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new byte[64 * 1024];
        try
        {
            if (_connectTo is not null)
            {
                await _socket.ConnectAsync(_connectTo, _closing.Token).ConfigureAwait(false);
                LocalEndPoint = _socket.LocalEndPoint as IPEndPoint;
                _connected.TrySetResult();
            }
            var queue = _sendQueue.Reader;
            while (await queue.WaitToReadAsync(_closing.Token).ConfigureAwait(false))
            {
                int used = 0;
                while (used < batch.Length / 2 && queue.TryRead(out var frame))
                {
                    if (frame.Length > batch.Length - used)
                    {
                        if (used > 0) await SendAllAsync(batch.AsMemory(0, used)).ConfigureAwait(false);
                        used = 0;
                        if (frame.Length > batch.Length)
                        {
                            await SendAllAsync(frame).ConfigureAwait(false);
                            continue;
                        }
                    }
                    frame.CopyTo(batch, used);
                    used += frame.Length;
                }
                if (used > 0) await SendAllAsync(batch.AsMemory(0, used)).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException or ChannelClosedException)
        {
            _connected.TrySetCanceled();
            Close(ex is SocketException se ? $"{(_connected.Task.IsCompletedSuccessfully ? "send" : "connect")} failed: {se.SocketErrorCode}" : "closed");
        }
    }

    private async Task SendAllAsync(ReadOnlyMemory<byte> data)
    {
        while (!data.IsEmpty)
        {
            int n = await _socket.SendAsync(data, SocketFlags.None, _closing.Token).ConfigureAwait(false);
            data = data[n..];
        }
    }

    private static IPEndPoint Normalize(IPEndPoint endPoint) =>
        endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;

    public override string ToString() => $"tcp {RemoteEndPoint}{(IsClosed ? " (closed: " + CloseReason + ")" : "")}";
}
