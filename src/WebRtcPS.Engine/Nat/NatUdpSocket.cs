using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using WebRtcPS.Engine.Stun;
using WebRtcPS.Engine.Stun.Attributes;

namespace WebRtcPS.Engine.Nat;

/// <summary>
/// One UDP socket of the NAT behaviour tests. Unconnected, because the answer to a CHANGE-REQUEST
/// comes from another address than the request went to. Requests go through the STUN client
/// transactions (one <see cref="StunTransactionManager"/> per destination, since a manager sends
/// to one place); one receive loop hands every response to them, noting where it came from, and
/// watches for the hairpinning test's request (RFC 5780 §4.5) arriving here.
/// </summary>
internal sealed class NatUdpSocket : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly StunTransactionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<IPEndPoint, StunTransactionManager> _managers = new();
    private readonly ConcurrentDictionary<StunTransactionId, IPEndPoint> _sources = new();
    private readonly ConcurrentDictionary<StunTransactionId, TaskCompletionSource<IPEndPoint>> _expected = new();
    private readonly Task _loop;

    private NatUdpSocket(Socket socket, StunTransactionOptions options, TimeProvider time, ILogger log)
    {
        _socket = socket;
        _options = options;
        _time = time;
        _log = log;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        _loop = Task.Run(ReceiveLoopAsync);
    }

    /// <summary>A socket on <paramref name="local"/>, a port the system picks.</summary>
    public static NatUdpSocket Bind(IPAddress local, StunTransactionOptions options, TimeProvider time, ILogger log)
    {
        var socket = new Socket(local.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(local, 0));
            return new NatUdpSocket(socket, options, time, log);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Sends a Binding request (with <paramref name="change"/> if given) and waits for
    /// its answer or the schedule's end. Never throws for the network: a failed send is a probe
    /// without an answer that says so. Cancellation throws.</summary>
    public async Task<NatProbe> BindingAsync(string name, IPEndPoint destination, ChangeRequest? change, CancellationToken cancellationToken, StunTransactionId? transactionId = null)
    {
        var manager = _managers.GetOrAdd(destination, to => new StunTransactionManager(datagram => SendAsync(datagram, to), _time, _options));
        var builder = new StunMessageBuilder(StunMessageType.BindingRequest, transactionId ?? StunTransactionId.NewId());
        if (change is { } c) builder.Add(c);
        var request = builder.AddFingerprint().Build();
        StunTransactionResult result;
        try
        {
            result = await manager.SendRequestAsync(request, null, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            return new NatProbe(name, destination, change, NatProbeOutcome.NoAnswer, ErrorReason: $"sending failed: {ex.Message}");
        }
        _sources.TryGetValue(request.TransactionId, out var source);
        var response = result.Response;
        var sent = result.RequestsSent;
        var probe = result.Outcome switch
        {
            StunTransactionOutcome.SuccessResponse => new NatProbe(name, destination, change, NatProbeOutcome.Answered, source,
                Mapped: response!.TryGetXorAddress(out XorMappedAddress xor) ? xor.EndPoint : response.TryGet(out MappedAddress plain) ? plain.EndPoint : null,
                OtherAddress: response.TryGet(out OtherAddress other) ? other.EndPoint : null,
                ResponseOrigin: response.TryGet(out ResponseOrigin origin) ? origin.EndPoint : null,
                RequestsSent: sent, Elapsed: result.Elapsed),
            StunTransactionOutcome.ErrorResponse => new NatProbe(name, destination, change, NatProbeOutcome.ErrorResponse, source,
                ErrorCode: result.Error?.Code, ErrorReason: result.Error?.Reason, RequestsSent: sent, Elapsed: result.Elapsed),
            _ => new NatProbe(name, destination, change, NatProbeOutcome.NoAnswer, RequestsSent: sent, Elapsed: result.Elapsed),
        };
        // The hairpinning test (a transaction id of its own) expects no answer: its outcome is logged as hairpinning.
        if (transactionId is null) NatLog.ProbeEnded(_log, probe);
        return probe;
    }

    /// <summary>Completes with the sender when a Binding request with this transaction id
    /// arrives on this socket (register before the request is sent).</summary>
    public Task<IPEndPoint> ExpectRequest(StunTransactionId transactionId) =>
        _expected.GetOrAdd(transactionId, _ => new TaskCompletionSource<IPEndPoint>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    private async ValueTask SendAsync(ReadOnlyMemory<byte> datagram, IPEndPoint destination)
    {
        NatLog.Sent(_log, LocalEndPoint, datagram.Length, destination);
        await _socket.SendToAsync(datagram, SocketFlags.None, destination, _stop.Token).ConfigureAwait(false);
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[2048];
        var any = new IPEndPoint(_socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token).ConfigureAwait(false);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionRefused or SocketError.MessageSize)
            {
                // Windows reports an earlier datagram's ICMP error (or a truncated datagram) here; the socket goes on.
                continue;
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            // Anything that is not STUN (or is damaged) is dropped: peer input never throws.
            if (!StunMessage.TryParse(buffer.AsSpan(0, received.ReceivedBytes), out var message)) continue;
            var source = (IPEndPoint)received.RemoteEndPoint;
            NatLog.Received(_log, LocalEndPoint, message.Class, source);
            if (message.Class == StunClass.Request)
            {
                if (_expected.TryGetValue(message.TransactionId, out var expected)) expected.TrySetResult(source);
                continue;
            }
            if (message.Class is not (StunClass.SuccessResponse or StunClass.ErrorResponse)) continue;
            // Noted before the transaction completes, so the caller finds it; the first answer counts.
            _sources.TryAdd(message.TransactionId, source);
            foreach (var manager in _managers.Values)
            {
                if (manager.TryHandleResponse(message)) break;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        foreach (var manager in _managers.Values) manager.Dispose();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // stopping
        }
        _stop.Dispose();
    }
}
