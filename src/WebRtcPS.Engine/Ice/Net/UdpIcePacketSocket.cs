using System.Net;
using System.Net.Sockets;
using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Engine.Ice;

/// <summary>A real UDP socket bound to one local address.</summary>
/// <remarks>Batches go out with UDP segmentation offload where the OS has it
/// (<see cref="LinuxUdpSegmentation"/>), otherwise datagram by datagram. The socket buffers are
/// raised (<see cref="ReceiveBufferSize"/>, <see cref="SendBufferSize"/>): the OS default
/// (~208 KiB on Linux) holds ~90 full-size datagrams, and a bulk sender's burst overflowed it on
/// the receiver (counted in RcvbufErrors, each one a retransmission and a halved window). After
/// <see cref="CoalesceAfter"/> datagrams a Linux socket also receives coalesced runs
/// (<see cref="LinuxUdpReceive"/>), handed out one datagram per call as before.</remarks>
internal sealed class UdpIcePacketSocket : IIcePacketSocket
{
    /// <summary>Asked for; the OS may cap it (Linux: net.core.rmem_max, and doubles what it grants).</summary>
    internal const int ReceiveBufferSize = 2 << 20;
    internal const int SendBufferSize = 1 << 20;

    private readonly Socket _socket;
    private readonly IPEndPoint _anyRemote;
    private int _disposed;
    private volatile bool _segmentation = LinuxUdpSegmentation.IsSupported;

    /// <summary>Datagrams received one per call before the socket asks the kernel to coalesce
    /// (UDP_GRO): only a socket carrying bulk traffic pays for the 64 KiB run buffer.</summary>
    internal const int CoalesceAfter = 256;
    private const int RunBufferSize = 64 * 1024 + 1024;
    private int _receivedOneByOne;
    private byte[]? _run;          // the receiver's: a coalesced run being handed out, or null before UDP_GRO
    private int _runOffset, _runLength, _runSegment;
    private IPEndPoint? _runFrom;
    private readonly byte[] _address = new byte[28];
    private readonly byte[] _lastAddress = new byte[28];
    private int _lastAddressLength;

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
        if (_runOffset < _runLength) return NextOfRun(buffer.Span);
        if (_run is not null) return await ReceiveRunAsync(buffer, cancellationToken).ConfigureAwait(false);
        var received = await ReceiveOneAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (++_receivedOneByOne == CoalesceAfter) TryStartCoalescing();
        return received;
    }

    /// <summary>Switches this socket's receive to coalesced runs (<see cref="LinuxUdpReceive"/>)
    /// where the OS can; false (nothing changes) elsewhere. Called on the receiving side only.</summary>
    internal bool TryStartCoalescing()
    {
        if (!LinuxUdpSegmentation.IsSupported || _run is not null) return _run is not null;
        try
        {
            if (!LinuxUdpReceive.TryEnable(_socket.SafeHandle)) return false;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
        _run = new byte[RunBufferSize];
        return true;
    }

    // Hands out the next datagram of the current run (a shorter last one included).
    private IcePacketReceiveResult NextOfRun(Span<byte> buffer)
    {
        var length = Math.Min(_runSegment, _runLength - _runOffset);
        var copied = Math.Min(length, buffer.Length);
        _run.AsSpan(_runOffset, copied).CopyTo(buffer);
        _runOffset += length;
        return new IcePacketReceiveResult(copied, _runFrom!);
    }

    private async ValueTask<IcePacketReceiveResult> ReceiveRunAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            cancellationToken.ThrowIfCancellationRequested();
            var errno = LinuxUdpReceive.Receive(_socket.SafeHandle, _run, _address, out var length, out var segment, out var addressLength, out _);
            if (errno == 0)
            {
                var from = Sender(addressLength);
                if (from is null) continue;
                _runFrom = from;
                _runOffset = 0;
                _runLength = length;
                _runSegment = segment > 0 && segment < length ? segment : Math.Max(length, 1);
                if (length == 0)
                {
                    _runLength = 0;
                    return new IcePacketReceiveResult(0, from);
                }
                return NextOfRun(buffer.Span);
            }
            if (errno == LinuxUdpSegmentation.EAgain)
            {
                await WaitReadableAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            // ICMP errors from earlier sends (ECONNREFUSED, ECONNRESET, EHOSTUNREACH, ENETUNREACH):
            // the socket is fine, as in ReceiveOneAsync. Anything else is the socket's failure.
            if (errno is 111 or 104 or 113 or 101) continue;
            throw new SocketException((int)SocketError.SocketError);
        }
    }

    // A zero-byte peek: completes when a datagram is queued, without taking it.
    private async ValueTask WaitReadableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.Peek, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.MessageSize or SocketError.NetworkReset or SocketError.HostUnreachable or SocketError.NetworkUnreachable)
        {
            _ = ex;
        }
        catch (SocketException) when (_disposed != 0)
        {
            throw new ObjectDisposedException(nameof(UdpIcePacketSocket));
        }
    }

    // The run's sender; the last one's endpoint object again when the address is the same (a
    // bulk receiver hears one peer).
    private IPEndPoint? Sender(int addressLength)
    {
        var address = _address.AsSpan(0, Math.Min(addressLength, _address.Length));
        if (_runFrom is not null && address.SequenceEqual(_lastAddress.AsSpan(0, _lastAddressLength))) return _runFrom;
        var from = LinuxUdpReceive.ReadAddress(address);
        if (from is null) return null;
        address.CopyTo(_lastAddress);
        _lastAddressLength = address.Length;
        return from;
    }

    private async ValueTask<IcePacketReceiveResult> ReceiveOneAsync(Memory<byte> buffer, CancellationToken cancellationToken)
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
