using System.Net.Sockets;
using WebRtcPS.Engine.Runtime;
using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Engine.Ice;

/// <summary>
/// W3C RTCIceTransport: the agent's state and selected pair, and the
/// <see cref="IDatagramTransport"/> DTLS runs over. Sends go out on the selected pair; receives
/// yield the non-STUN datagrams (RFC 7983: first byte 20-63) from any peer address that has
/// proved it knows the ICE credentials, so a change of selected pair loses nothing.
/// </summary>
public sealed class IceTransport : IDatagramTransport, IDatagramPushSource
{
    private readonly IceAgent _agent;
    // Bounded like a socket buffer. A waiting reader's continuation runs on the delivering thread:
    // DTLS's blocking reader only copies the datagram and wakes its thread, so a handshake datagram
    // reaches DTLS without a thread-pool hop. After the handshake DTLS attaches itself as the sink
    // and each datagram is decrypted right here, on the socket's receive thread.
    private readonly DatagramReceiveQueue _received = new(4096, synchronousContinuations: true);
    private long _sendsDropped;

    internal IceTransport(IceAgent agent) => _agent = agent;

    /// <summary>_agent; => The agent whose selected pair this transport sends on.</summary>
    public IceAgent Agent => _agent;
    /// <inheritdoc cref="IceAgent.State"/>
    public RTCIceTransportState State => _agent.State;
    /// <inheritdoc cref="IceAgent.GatheringState"/>
    public RTCIceGatheringState GatheringState => _agent.GatheringState;
    /// <inheritdoc cref="IceAgent.Role"/>
    public RTCIceRole Role => _agent.Role;

    /// <summary>W3C getSelectedCandidatePair().</summary>
    public RTCIceCandidatePair? GetSelectedCandidatePair() => _agent.GetSelectedCandidatePair();

    /// <summary>W3C getLocalParameters().</summary>
    public RTCIceParameters GetLocalParameters() => _agent.LocalParameters;

    /// <summary>W3C getRemoteParameters(): null until the peer's are set.</summary>
    public RTCIceParameters? GetRemoteParameters() => _agent.RemoteParameters;

    /// <summary>W3C getLocalCandidates().</summary>
    public IReadOnlyList<RTCIceCandidate> GetLocalCandidates() => _agent.LocalCandidates;

    /// <summary>W3C getRemoteCandidates().</summary>
    public IReadOnlyList<RTCIceCandidate> GetRemoteCandidates() => _agent.RemoteCandidates;

    /// <summary>1200 bytes: what WebRTC stacks assume fits any path (DTLS, SCTP size their packets to it).</summary>
    public int MaxDatagramSize => 1200;

    /// <summary>Sends dropped because no pair was selected, consent had expired or the socket refused.</summary>
    public long SendsDropped => Interlocked.Read(ref _sendsDropped);

    /// <summary>Sends one datagram on the selected pair; without a usable pair it is dropped and counted (<see cref="SendsDropped"/>), as UDP would.</summary>
    /// <exception cref="ObjectDisposedException">The agent is closed.</exception>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_agent.State == RTCIceTransportState.Closed, this);
        cancellationToken.ThrowIfCancellationRequested();
        var route = _agent.DataRoute;
        if (route is null || !route.Usable)
        {
            Interlocked.Increment(ref _sendsDropped);
            return;
        }
        try
        {
            if (SetupTrace.Enabled) SetupTrace.Mark("ice.out", SetupTrace.Classify(datagram.Span));
            await route.Socket.SendToAsync(datagram, route.Remote, cancellationToken).ConfigureAwait(false);
            route.Traffic.AddSent(datagram.Length);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            ObjectDisposedException.ThrowIf(_agent.State == RTCIceTransportState.Closed, this);
            Interlocked.Increment(ref _sendsDropped);
        }
    }

    /// <summary>Sends the batch on the selected pair in as few socket calls as the socket can
    /// (<see cref="IIcePacketSocket.SendBatchToAsync"/>); dropped and counted as one datagram each
    /// without a usable pair, as <see cref="SendAsync"/>.</summary>
    public async ValueTask SendBatchAsync(DatagramBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ObjectDisposedException.ThrowIf(_agent.State == RTCIceTransportState.Closed, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (batch.Count == 0) return;
        var route = _agent.DataRoute;
        if (route is null || !route.Usable)
        {
            Interlocked.Add(ref _sendsDropped, batch.Count);
            return;
        }
        try
        {
            await route.Socket.SendBatchToAsync(batch, route.Remote, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < batch.Count; i++) route.Traffic.AddSent(batch.LengthAt(i));
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            ObjectDisposedException.ThrowIf(_agent.State == RTCIceTransportState.Closed, this);
            Interlocked.Add(ref _sendsDropped, batch.Count);
        }
    }

    /// <summary>Waits for the next non-STUN datagram from the peer (DTLS records, RFC 7983) and copies it into <paramref name="buffer"/>.</summary>
    /// <returns>The datagram's length.</returns>
    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _received.ReceiveAsync(buffer, cancellationToken);

    bool IDatagramPushSource.TrySetSink(IDatagramSink sink) => _received.TrySetSink(sink);

    void IDatagramPushSource.RemoveSink(IDatagramSink sink) => _received.RemoveSink(sink);

    /// <summary>Closes the agent (W3C stop()).</summary>
    public ValueTask DisposeAsync() => _agent.DisposeAsync();

    /// <summary>Pushes <paramref name="datagram"/> to the attached sink (DTLS, inline), or queues
    /// a copy for <see cref="ReceiveAsync"/>; false (dropped) when the queue is full or closed.</summary>
    internal bool Deliver(ReadOnlySpan<byte> datagram) => _received.Deliver(datagram);

    internal void Complete() => _received.Complete();
}
