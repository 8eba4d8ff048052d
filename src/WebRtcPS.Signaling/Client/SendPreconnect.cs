using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using WebRtcPS.Engine.Runtime;

namespace WebRtcPS.Signaling.Client;

/// <summary>
/// The TCP connection a peer's first POST /send will need, opened while the peer waits. HTTP/1.1
/// gives the /receive stream a connection of its own, so the first message a peer sends (the
/// offer, or the answer: both on the setup's critical path) used to pay for a new connection:
/// connect, the server's accept, and the handler's connection setup, 0.5-1 ms on loopback and a
/// network round trip elsewhere. Once the stream is open, one connection is opened ahead to the
/// same endpoint the stream's went to (the server, or the proxy in front of it), and the
/// handler's next connection takes it.
/// </summary>
/// <remarks>Plain TCP: nothing is written on it until the handler sends a request (and, for https,
/// its TLS handshake), so any HTTP server sees only a connection that is a moment early. A spare
/// not taken within <see cref="MaxAge"/> is closed, well inside the time servers give a new
/// connection for its first request (Kestrel's RequestHeadersTimeout, ours 10 s); one the server
/// closed meanwhile is noticed and not used.</remarks>
internal sealed class SendPreconnect : IDisposable
{
    /// <summary>How long a spare connection is kept for the first send.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    private readonly object _gate = new();
    private DnsEndPoint? _endPoint;
    private Task<Socket>? _spare;
    private long _spareAt;
    private bool _warmed;
    private bool _disposed;

    /// <summary>The handler's ConnectCallback: the spare when there is a fresh one for
    /// <paramref name="context"/>'s endpoint, else a new connection (as the handler's own callback makes it).</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        if (TakeSpare(context.DnsEndPoint) is { } spare)
        {
            try
            {
                var socket = await spare.WaitAsync(cancellationToken).ConfigureAwait(false);
                if (IsUsable(socket))
                {
                    SetupTrace.Mark("sig.preconnected");
                    return new NetworkStream(socket, ownsSocket: true);
                }
                socket.Dispose();
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // the early connect failed: connect again, and let that one report
            }
            catch (OperationCanceledException)
            {
                Close(spare);   // the request was cancelled while the spare still connected
                throw;
            }
        }
        lock (_gate) _endPoint ??= context.DnsEndPoint;
        SetupTrace.Mark("sig.connect");
        return new NetworkStream(await OpenAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false), ownsSocket: true);
    }

    /// <summary>Once per client, when its /receive stream is open and nothing was sent yet: opens
    /// the spare to the endpoint the stream's connection went to.</summary>
    public void Warm()
    {
        Task<Socket> spare;
        lock (_gate)
        {
            if (_warmed || _disposed || _endPoint is not { } endPoint) return;
            _warmed = true;
            spare = _spare = OpenAsync(endPoint, CancellationToken.None);
            _spareAt = Stopwatch.GetTimestamp();
        }
        _ = Task.Delay(MaxAge).ContinueWith(static (_, state) =>
        {
            var (owner, task) = ((SendPreconnect, Task<Socket>))state!;
            owner.Drop(task);
        }, (this, spare), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>No spare will be needed (a send already has a connection).</summary>
    public void Cancel()
    {
        lock (_gate) _warmed = true;
    }

    private Task<Socket>? TakeSpare(DnsEndPoint endPoint)
    {
        lock (_gate)
        {
            var spare = _spare;
            if (spare is null) return null;
            _spare = null;
            if (Equals(_endPoint, endPoint) && Stopwatch.GetElapsedTime(_spareAt) < MaxAge) return spare;
            Close(spare);
            return null;
        }
    }

    private void Drop(Task<Socket> spare)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_spare, spare)) return;
            _spare = null;
        }
        Close(spare);
    }

    private static async Task<Socket> OpenAsync(DnsEndPoint endPoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Still open and silent: readable now would mean the server closed it (or spoke first).</summary>
    private static bool IsUsable(Socket socket)
    {
        try
        {
            return socket.Connected && !socket.Poll(0, SelectMode.SelectRead);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    private static void Close(Task<Socket> spare) =>
        spare.ContinueWith(static t =>
        {
            if (t.IsCompletedSuccessfully) t.Result.Dispose();
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    public void Dispose()
    {
        Task<Socket>? spare;
        lock (_gate)
        {
            _disposed = true;
            spare = _spare;
            _spare = null;
        }
        if (spare is not null) Close(spare);
    }
}
