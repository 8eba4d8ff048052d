using System.Net;
using System.Net.Sockets;

namespace WebRtcPS.Engine.Stun;

/// <summary>
/// A minimal UDP STUN server: one socket, one receive loop, every datagram handed to a
/// <see cref="StunBindingResponder"/>. Meant as a local STUN server for tests and diagnostics;
/// bind to port 0 and read <see cref="LocalEndPoint"/> back.
/// </summary>
internal sealed class StunServer : IAsyncDisposable
{
    private readonly UdpClient _udp;
    private readonly StunBindingResponder _responder;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _answered;
    private long _dropped;

    private StunServer(UdpClient udp, StunBindingResponder responder)
    {
        _udp = udp;
        _responder = responder;
        LocalEndPoint = (IPEndPoint)udp.Client.LocalEndPoint!;
        _loop = Task.Run(() => ReceiveLoopAsync(_stop.Token));
    }

    /// <summary>Binds a UDP socket to <paramref name="localEndPoint"/> (port 0 picks a free
    /// port) and starts answering.</summary>
    public static StunServer Start(IPEndPoint localEndPoint, StunBindingResponder? responder = null)
    {
        ArgumentNullException.ThrowIfNull(localEndPoint);
        var udp = new UdpClient(localEndPoint.AddressFamily);
        try
        {
            udp.Client.Bind(localEndPoint);
            return new StunServer(udp, responder ?? new StunBindingResponder());
        }
        catch
        {
            udp.Dispose();
            throw;
        }
    }

    /// <summary>The bound address and port.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Responses sent (success and error).</summary>
    public long ResponsesSent => Interlocked.Read(ref _answered);

    /// <summary>Datagrams not answered: not STUN, not a request, or failing FINGERPRINT.</summary>
    public long DatagramsDropped => Interlocked.Read(ref _dropped);

    private async Task ReceiveLoopAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            UdpReceiveResult received;
            try
            {
                received = await _udp.ReceiveAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // ICMP port unreachable from an earlier send surfaces here on some platforms
                // (connection reset); the socket itself is fine.
                continue;
            }

            var response = _responder.Respond(received.Buffer, received.RemoteEndPoint);
            if (response is null)
            {
                Interlocked.Increment(ref _dropped);
                continue;
            }
            try
            {
                await _udp.SendAsync(response, received.RemoteEndPoint, stop).ConfigureAwait(false);
                Interlocked.Increment(ref _answered);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                Interlocked.Increment(ref _dropped);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        _udp.Dispose();
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
