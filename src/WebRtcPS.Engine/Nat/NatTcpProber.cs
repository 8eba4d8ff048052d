using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace WebRtcPS.Engine.Nat;

/// <summary>Tries the server's TURN ports over TCP: what is left when UDP is blocked is TURN over
/// TCP or TLS (RFC 8656 §3.1), so whether they open decides between "needs TURN over TCP/TLS"
/// and "no connectivity".</summary>
internal static class NatTcpProber
{
    /// <summary>Connects to every port at once, each bounded by <paramref name="timeout"/>, and closes at once.</summary>
    public static async Task<IReadOnlyList<NatTcpPortResult>> ProbeAsync(IPAddress server, IPAddress local, IReadOnlyList<int> ports, TimeSpan timeout, TimeProvider time, ILogger log, CancellationToken cancellationToken)
    {
        var tries = ports.Distinct().Select(async port =>
        {
            var result = await ProbeAsync(new IPEndPoint(server, port), local, timeout, time, cancellationToken).ConfigureAwait(false);
            NatLog.TcpPortEnded(log, result);
            return result;
        });
        return await Task.WhenAll(tries).ConfigureAwait(false);
    }

    private static async Task<NatTcpPortResult> ProbeAsync(IPEndPoint server, IPAddress local, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            socket.Bind(new IPEndPoint(local, 0));
            await socket.ConnectAsync(server, linked.Token).ConfigureAwait(false);
            return new NatTcpPortResult(server.Port, NatTcpOutcome.Open);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new NatTcpPortResult(server.Port, NatTcpOutcome.TimedOut);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return new NatTcpPortResult(server.Port, NatTcpOutcome.Refused);
        }
        catch (SocketException ex)
        {
            return new NatTcpPortResult(server.Port, NatTcpOutcome.Error, ex.Message);
        }
    }
}
