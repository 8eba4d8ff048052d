using System.Net;
using System.Net.Sockets;

namespace WebRtcPS.Engine.Tests.Faults;

/// <summary>
/// A loopback UDP forwarder with a drop switch: the path between two peers, and its blackout.
/// Peer A is given <see cref="FrontEndPoint"/> as the other peer's only candidate; what A sends
/// there leaves from the back socket to <see cref="Target"/> (peer B's host candidate), so B
/// learns the back socket as a peer-reflexive candidate, and B's answers go back to the last
/// address A sent from, out of the front socket (a full-cone NAT in both directions). While
/// <see cref="Dark"/> is set every datagram is dropped, both ways, as a cut cable would.
/// </summary>
internal sealed class BlackoutRelay : IAsyncDisposable
{
    private readonly Socket _front = Bound();
    private readonly Socket _back = Bound();
    private readonly CancellationTokenSource _cts = new();
    private readonly Task[] _loops;
    private volatile IPEndPoint? _client;
    private volatile bool _dark;
    private long _dropped;

    public BlackoutRelay()
    {
        _loops = [Task.Run(() => PumpAsync(_front, fromClient: true)), Task.Run(() => PumpAsync(_back, fromClient: false))];
    }

    /// <summary>Where peer A sends: signal this to A as B's candidate.</summary>
    public IPEndPoint FrontEndPoint => (IPEndPoint)_front.LocalEndPoint!;

    /// <summary>Peer B's address (its host candidate).</summary>
    public IPEndPoint? Target { get; set; }

    /// <summary>Drop everything, both ways.</summary>
    public bool Dark
    {
        get => _dark;
        set => _dark = value;
    }

    /// <summary>Datagrams dropped during blackouts.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    private static Socket Bound()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private async Task PumpAsync(Socket socket, bool fromClient)
    {
        var buffer = new byte[65536];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!_cts.IsCancellationRequested)
        {
            SocketReceiveFromResult r;
            try
            {
                r = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _cts.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            var source = (IPEndPoint)r.RemoteEndPoint;
            if (fromClient) _client = source;
            var (to, via) = fromClient ? (Target, _back) : (source.Equals(Target) ? _client : null, _front);
            if (to is null) continue;
            if (_dark)
            {
                Interlocked.Increment(ref _dropped);
                continue;
            }
            try
            {
                await via.SendToAsync(buffer.AsMemory(0, r.ReceivedBytes), SocketFlags.None, to, _cts.Token);
            }
            catch (SocketException)
            {
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        await Task.WhenAll(_loops);
        _front.Dispose();
        _back.Dispose();
        _cts.Dispose();
    }
}
