using System.Net;
using System.Net.Sockets;
using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Engine.Tests.Dtls;

/// <summary>
/// Test helper: an <see cref="IDatagramTransport"/> over one UDP socket on loopback. Connected to
/// a known peer, or, made with <see cref="Listen"/>, connected to whoever sends the first datagram.
/// ICMP port-unreachable errors are ignored, as UDP loss.
/// </summary>
internal sealed class UdpDatagramTransport : IDatagramTransport
{
    private readonly Socket _socket;
    private EndPoint? _remote;

    private UdpDatagramTransport(EndPoint? remote, int mtu)
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)
        {
            ReceiveBufferSize = 4 << 20,
            SendBufferSize = 4 << 20,
        };
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        MaxDatagramSize = mtu;
        if (remote is not null) ConnectTo(remote);
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public int MaxDatagramSize { get; }

    /// <summary>Two sockets on 127.0.0.1 connected to each other.</summary>
    public static (UdpDatagramTransport A, UdpDatagramTransport B) CreatePair(int mtu = 1200)
    {
        var a = new UdpDatagramTransport(null, mtu);
        var b = new UdpDatagramTransport(a.LocalEndPoint, mtu);
        a.ConnectTo(b.LocalEndPoint);
        return (a, b);
    }

    /// <summary>A socket connected to <paramref name="remote"/>.</summary>
    public static UdpDatagramTransport Connect(IPEndPoint remote, int mtu = 1200) => new(remote, mtu);

    /// <summary>A socket that connects to the sender of the first datagram it receives.</summary>
    public static UdpDatagramTransport Listen(int mtu = 1200) => new(null, mtu);

    private void ConnectTo(EndPoint remote)
    {
        _socket.Connect(remote);
        _remote = remote;
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken = default)
    {
        if (_remote is null) return; // nobody to send to yet: lost, as UDP
        try
        {
            await _socket.SendAsync(datagram, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e) when (IsUnreachable(e))
        {
        }
    }

    public async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            try
            {
                if (_remote is not null)
                    return await _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                var result = await _socket.ReceiveFromAsync(buffer, SocketFlags.None,
                    new IPEndPoint(IPAddress.Any, 0), cancellationToken).ConfigureAwait(false);
                ConnectTo(result.RemoteEndPoint);
                return result.ReceivedBytes;
            }
            catch (SocketException e) when (IsUnreachable(e))
            {
            }
        }
    }

    private static bool IsUnreachable(SocketException e) =>
        e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset or SocketError.HostUnreachable;

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
