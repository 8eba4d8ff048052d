using System.Net;
using System.Net.Sockets;

namespace WebRtcPS.Engine.Ice;

/// <summary>A real UDP socket bound to one local address.</summary>
internal sealed class UdpIcePacketSocket : IIcePacketSocket
{
    private readonly Socket _socket;
    private readonly IPEndPoint _anyRemote;
    private int _disposed;

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
