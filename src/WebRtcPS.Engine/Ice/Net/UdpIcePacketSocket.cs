using System.Net;
using System.Net.Sockets;
using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Engine.Ice;

/// <summary>A real UDP socket bound to one local address.</summary>
/// <remarks>Batches go out with UDP segmentation offload where the OS has it
/// (<see cref="LinuxUdpSegmentation"/>), otherwise datagram by datagram. The socket buffers are
/// raised (<see cref="ReceiveBufferSize"/>, <see cref="SendBufferSize"/>): the OS default
/// (~208 KiB on Linux) holds ~90 full-size datagrams, and a bulk sender's burst overflowed it on
/// the receiver (counted in RcvbufErrors, each one a retransmission and a halved window).</remarks>
internal sealed class UdpIcePacketSocket : IIcePacketSocket
{
    /// <summary>Asked for; the OS may cap it (Linux: net.core.rmem_max, and doubles what it grants).</summary>
    internal const int ReceiveBufferSize = 2 << 20;
    internal const int SendBufferSize = 1 << 20;

    private readonly Socket _socket;
    private readonly IPEndPoint _anyRemote;
    private int _disposed;
    private volatile bool _segmentation = LinuxUdpSegmentation.IsSupported;

    private UdpIcePacketSocket(Socket socket)
    {
        _socket = socket;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        _anyRemote = new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
    }

    public static UdpIcePacketSocket Bind(IPEndPoint localEndPoint)
    {
        ArgumentNullException.ThrowIfNull(localEndPoint);
        var socket = new Socket(localEndPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (localEndPoint.AddressFamily == AddressFamily.InterNetworkV6) socket.DualMode = false;
            if (OperatingSystem.IsWindows())
            {
                // Stop ICMP port-unreachable from failing later receives (SIO_UDP_CONNRESET).
                const int SioUdpConnReset = unchecked((int)0x9800000C);
                socket.IOControl(SioUdpConnReset, [0, 0, 0, 0], null);
            }
            socket.Bind(localEndPoint);
            TrySetBuffers(socket);
            // Read back after Bind so port 0 reports the port chosen.
            return new UdpIcePacketSocket(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public IPEndPoint LocalEndPoint { get; }

    public async ValueTask SendToAsync(ReadOnlyMemory<byte> datagram, IPEndPoint remote, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        await _socket.SendToAsync(datagram, SocketFlags.None, remote, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends the batch in runs of equal-sized datagrams (<see cref="UdpSegmentRuns"/>), one
    /// system call a run, where the OS segments UDP; datagram by datagram otherwise, or when the
    /// socket buffer is full (the async send then waits for room), or once segmentation failed on
    /// this socket (old kernel, a route without checksum offload: it is not tried again).</summary>
    public async ValueTask SendBatchToAsync(DatagramBatch batch, IPEndPoint remote, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var i = 0;
        while (i < batch.Count)
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            var segmentSize = 0;
            var count = _segmentation ? UdpSegmentRuns.Next(batch, i, out segmentSize) : 1;
            if (_segmentation)
            {
                var run = batch.Buffer.Slice(batch.OffsetOf(i), RunLength(batch, i, count));
                var errno = TrySendRun(run.Span, count > 1 ? segmentSize : 0, remote);
                if (errno == 0)
                {
                    i += count;
                    continue;
                }
                if (count > 1 && LinuxUdpSegmentation.MeansUnsupported(errno)) _segmentation = false;
            }
            // Plain sends for this run: they wait for room, and map errors to SocketException.
            for (var end = i + count; i < end; i++)
                await _socket.SendToAsync(batch[i], SocketFlags.None, remote, cancellationToken).ConfigureAwait(false);
        }
    }

    private static int RunLength(DatagramBatch batch, int start, int count)
    {
        var last = start + count - 1;
        return batch.OffsetOf(last) + batch.LengthAt(last) - batch.OffsetOf(start);
    }

    private int TrySendRun(ReadOnlySpan<byte> run, int segmentSize, IPEndPoint remote)
    {
        try
        {
            return LinuxUdpSegmentation.Send(_socket.SafeHandle, run, segmentSize, remote);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            _segmentation = false;   // not glibc: plain sends
            return LinuxUdpSegmentation.EInval;
        }
    }

    private static void TrySetBuffers(Socket socket)
    {
        try
        {
            if (socket.ReceiveBufferSize < ReceiveBufferSize) socket.ReceiveBufferSize = ReceiveBufferSize;
            if (socket.SendBufferSize < SendBufferSize) socket.SendBufferSize = SendBufferSize;
        }
        catch (SocketException)
        {
            // A platform that refuses the size keeps its default: slower bulk, nothing else.
        }
    }

    public async ValueTask<IcePacketReceiveResult> ReceiveFromAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            try
            {
                var result = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, _anyRemote, cancellationToken).ConfigureAwait(false);
                return new IcePacketReceiveResult(result.ReceivedBytes, (IPEndPoint)result.RemoteEndPoint);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.MessageSize or SocketError.NetworkReset or SocketError.HostUnreachable or SocketError.NetworkUnreachable)
            {
                // An ICMP error from an earlier send, or an oversize datagram (dropped): the socket is fine.
                _ = ex;
            }
            catch (SocketException) when (_disposed != 0)
            {
                throw new ObjectDisposedException(nameof(UdpIcePacketSocket));
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    public override string ToString() => $"udp {LocalEndPoint}";
}
