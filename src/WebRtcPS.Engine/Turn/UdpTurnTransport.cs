using System.Net;
using System.Net.Sockets;

namespace WebRtcPS.Engine.Turn;

/// <summary>
/// UDP to the server. The socket is connected, so the kernel filters other senders and an ICMP
/// port unreachable surfaces as <see cref="SocketError.ConnectionRefused"/> on the next receive
/// or send: that is how "not reachable" is told from "timed out".
/// </summary>
internal sealed class UdpTurnTransport : ITurnTransport
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[65536];

    public UdpTurnTransport(IPEndPoint server)
    {
        RemoteEndPoint = server;
        _socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            _socket.Bind(new IPEndPoint(server.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0));
            _socket.Connect(server);
            LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
    }

    public TurnTransportKind Kind => TurnTransportKind.Udp;
    public IPEndPoint LocalEndPoint { get; }
    public IPEndPoint RemoteEndPoint { get; }
    public bool IsReliable => false;

    public async ValueTask SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken) =>
        await _socket.SendAsync(frame, SocketFlags.None, cancellationToken).ConfigureAwait(false);

    public async ValueTask<byte[]?> ReceiveAsync(CancellationToken cancellationToken)
    {
        int length = await _socket.ReceiveAsync(_buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        return _buffer.AsSpan(0, length).ToArray();
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
