using System.Net;
using System.Net.Sockets;
using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Bench.DataChannel;

/// <summary>A connected UDP socket on 127.0.0.1 as an <see cref="IDatagramTransport"/>: what the
/// selected ICE pair is to DTLS, without ICE. 4 MiB socket buffers (the kernel caps them at
/// net.core.rmem_max / wmem_max).</summary>
internal sealed class UdpDatagramTransport : IDatagramTransport
{
    public const int SocketBufferBytes = 4 * 1024 * 1024;
    private readonly Socket _socket;
    private int _disposed;

    public UdpDatagramTransport(int mtu = 1200)
    {
        MaxDatagramSize = mtu;
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _socket.ReceiveBufferSize = SocketBufferBytes;
        _socket.SendBufferSize = SocketBufferBytes;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    }

    public int LocalPort => ((IPEndPoint)_socket.LocalEndPoint!).Port;
    public int MaxDatagramSize { get; }
    public long SendErrors;

    public void Connect(int remotePort) => _socket.Connect(new IPEndPoint(IPAddress.Loopback, remotePort));

    public async ValueTask SendAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        try
        {
            await _socket.SendAsync(datagram, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            // ICMP refused or a full buffer: the datagram is lost, as UDP may lose it.
            Interlocked.Increment(ref SendErrors);
        }
    }

    public async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            try
            {
                return await _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
            {
                // the peer is not listening yet (or any more): keep waiting, as an unconnected socket would
            }
            catch (SocketException) when (Volatile.Read(ref _disposed) != 0)
            {
                throw new ObjectDisposedException(nameof(UdpDatagramTransport));
            }
            catch (ObjectDisposedException)
            {
                throw;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
