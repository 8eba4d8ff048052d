using System.Text;
using WebRtcPS.Engine.Runtime;
using WebRtcPS.Engine.Sctp;

namespace WebRtcPS.Engine.DataChannels;

/// <summary>
/// W3C RTCDataChannel over one SCTP stream pair (RFC 8831). Created by
/// <see cref="DataChannelManager.CreateDataChannel(string, RTCDataChannelInit?)"/> or announced by the peer through
/// <see cref="DataChannelManager.OnDataChannel"/>. Events are raised in order on the manager's
/// event task, never on the SCTP loop; a handler that throws is logged (event id 4050) and the
/// other handlers and later events are still delivered.
/// </summary>
public sealed class RTCDataChannel
{
    private readonly DataChannelManager _manager;
    private volatile RTCDataChannelState _readyState = RTCDataChannelState.Connecting;
    private long _bufferedAmountLowThreshold;
    private long _messagesSent, _bytesSent, _messagesReceived, _bytesReceived;

    internal RTCDataChannel(DataChannelManager manager, string label, RTCDataChannelInit init, ushort? id)
    {
        _manager = manager;
        Label = label;
        Protocol = init.Protocol;
        Ordered = init.Ordered;
        MaxRetransmits = init.MaxRetransmits;
        MaxPacketLifeTime = init.MaxPacketLifeTime;
        Negotiated = init.Negotiated;
        Priority = init.Priority;
        Id = id;
    }

    /// <summary>The label given to createDataChannel (sent in DATA_CHANNEL_OPEN, RFC 8832 §5.1).</summary>
    public string Label { get; }
    /// <summary>The subprotocol name (empty if none).</summary>
    public string Protocol { get; }
    /// <summary>Whether messages arrive in the order sent.</summary>
    public bool Ordered { get; }
    /// <summary>Retransmissions per message (partial reliability, RFC 3758), or null.</summary>
    public ushort? MaxRetransmits { get; }
    /// <summary>Milliseconds a message may be retransmitted (partial reliability), or null.</summary>
    public ushort? MaxPacketLifeTime { get; }
    /// <summary>True when negotiated out of band (no DCEP).</summary>
    public bool Negotiated { get; }
    /// <summary>RFC 8831 §6.4 priority (256 is normal).</summary>
    public ushort Priority { get; }
    /// <summary>The SCTP stream id (null until allocated).</summary>
    public ushort? Id { get; internal set; }
    /// <summary>W3C readyState; changed on the manager's loop, read from any thread.</summary>
    public RTCDataChannelState ReadyState
    {
        get => _readyState;
        internal set => _readyState = value;
    }

    /// <summary>Bytes queued with Send and not yet handed to the network.</summary>
    public long BufferedAmount => Id is { } id ? _manager.GetBufferedAmount(id) : 0;

    /// <summary>OnBufferedAmountLow fires when BufferedAmount falls from above this to at or below it.</summary>
    public long BufferedAmountLowThreshold
    {
        get => Interlocked.Read(ref _bufferedAmountLowThreshold);
        set => Interlocked.Exchange(ref _bufferedAmountLowThreshold, value);
    }

    /// <summary>Messages and payload bytes handed to SCTP / delivered to OnMessage (W3C RTCDataChannelStats).</summary>
    public long MessagesSent => Interlocked.Read(ref _messagesSent);
    /// <summary>Payload bytes handed to SCTP.</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);
    /// <summary>Messages delivered to OnMessage.</summary>
    public long MessagesReceived => Interlocked.Read(ref _messagesReceived);
    /// <summary>Payload bytes delivered to OnMessage.</summary>
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    /// <summary>Raised once the channel is open (both sides can send).</summary>
    public event EventHandler? OnOpen;
    /// <summary>Raised for each message received, in order of delivery.</summary>
    public event EventHandler<RTCDataChannelMessage>? OnMessage;
    /// <summary>Raised when closing starts (the stream reset is under way).</summary>
    public event EventHandler? OnClosing;
    /// <summary>Raised once the channel is closed.</summary>
    public event EventHandler? OnClose;
    /// <summary>Raised when the channel fails (e.g. its SCTP association is aborted).</summary>
    public event EventHandler<RTCErrorEventArgs>? OnError;
    /// <summary>Raised when BufferedAmount falls to BufferedAmountLowThreshold or below.</summary>
    public event EventHandler? OnBufferedAmountLow;

    /// <summary>Our DATA_CHANNEL_OPEN went out and nothing has come back on the stream yet (no ACK,
    /// no data): the channel is open, but its messages travel ordered so that none can overtake
    /// the OPEN (RFC 8832 §6). Set and cleared by the manager; read by senders on any thread.</summary>
    internal bool AwaitingAck
    {
        get => Volatile.Read(ref _awaitingAck);
        set => Volatile.Write(ref _awaitingAck, value);
    }
    private bool _awaitingAck;

    internal SctpSendOptions SendOptions => new(!Ordered && !AwaitingAck, MaxRetransmits,
        MaxPacketLifeTime is { } ms ? TimeSpan.FromMilliseconds(ms) : null);

    /// <summary>Sends text (PPID 51, or 56 when empty). Throws <see cref="InvalidStateError"/> unless open, an
    /// ArgumentException (the W3C TypeError) above the peer's max-message-size.</summary>
    public void Send(string text) => Send(Encoding.UTF8.GetBytes(text), isText: true);

    /// <summary>Sends binary data (PPID 53, or 57 when empty). The byte[] overload exists for
    /// PowerShell, whose binder would otherwise be tempted to turn a byte[] into a string.</summary>
    public void Send(byte[] data) => Send((data ?? throw new ArgumentNullException(nameof(data))).AsMemory(), isText: false);

    /// <inheritdoc cref="Send(byte[])"/>
    public void Send(ReadOnlyMemory<byte> data) => Send(data, isText: false);

    /// <summary>Like Send, but waits while the association's send buffer is full (backpressure).</summary>
    public ValueTask SendAsync(string text, CancellationToken cancellationToken = default) =>
        SendAsync(Encoding.UTF8.GetBytes(text), isText: true, cancellationToken);

    /// <inheritdoc cref="SendAsync(string, CancellationToken)"/>
    public ValueTask SendAsync(byte[] data, CancellationToken cancellationToken = default) =>
        SendAsync((data ?? throw new ArgumentNullException(nameof(data))).AsMemory(), isText: false, cancellationToken);

    /// <inheritdoc cref="SendAsync(string, CancellationToken)"/>
    public ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        SendAsync(data, isText: false, cancellationToken);

    /// <summary>SendAsync for a sender that will wait for the acknowledgement (<see
    /// cref="WhenSentDataAcknowledgedAsync"/>): the message asks the peer to acknowledge it at once
    /// (RFC 7053 SACK-IMMEDIATELY) instead of after its delayed-SACK time.</summary>
    internal ValueTask SendAndRequestAckAsync(string text, CancellationToken cancellationToken = default) =>
        SendAsync(Encoding.UTF8.GetBytes(text), isText: true, cancellationToken, sackImmediately: true);

    /// <summary>True once the peer's SCTP has acknowledged everything sent on the association so
    /// far; false if it closes first (the seed peer waits for this before it reports its greeting
    /// exchanged, so that closing at once cannot discard it).</summary>
    internal Task<bool> WhenSentDataAcknowledgedAsync() => _manager.Association.WhenSentDataAcknowledgedAsync();

    /// <summary>Closes the channel: queued data is sent, then the stream is reset in both directions (RFC 8831 §6.7).</summary>
    public void Close() => _manager.CloseChannel(this);

    private void Send(ReadOnlyMemory<byte> data, bool isText)
    {
        var (ppid, payload) = Frame(data, isText);
        _manager.Association.Send(Id!.Value, (uint)ppid, payload, SendOptions);
        CountSent(data.Length);
    }

    private async ValueTask SendAsync(ReadOnlyMemory<byte> data, bool isText, CancellationToken cancellationToken, bool sackImmediately = false)
    {
        var (ppid, payload) = Frame(data, isText);
        var options = sackImmediately ? SendOptions with { SackImmediately = true } : SendOptions;
        await _manager.Association.SendAsync(Id!.Value, (uint)ppid, payload, options, cancellationToken).ConfigureAwait(false);
        CountSent(data.Length);
    }

    private void CountSent(int bytes)
    {
        Interlocked.Increment(ref _messagesSent);
        Interlocked.Add(ref _bytesSent, bytes);
    }

    private (DataChannelPpid, ReadOnlyMemory<byte>) Frame(ReadOnlyMemory<byte> data, bool isText)
    {
        if (ReadyState != RTCDataChannelState.Open) throw new InvalidStateError($"send: the data channel '{Label}' is {ReadyState.ToWireName()}, not open.");
        if (data.Length > _manager.Association.MaxSendMessageSize)
            throw new ArgumentException($"The message is {data.Length} bytes; the maximum is {_manager.Association.MaxSendMessageSize} (TypeError).", nameof(data));
        // SCTP cannot carry an empty DATA chunk: an empty message is one ignored byte with its own PPID (RFC 8831 §6.6).
        if (data.Length == 0) return (isText ? DataChannelPpid.StringEmpty : DataChannelPpid.BinaryEmpty, new byte[1]);
        return (isText ? DataChannelPpid.String : DataChannelPpid.Binary, data);
    }

    internal void RaiseOpen() => Raise(OnOpen, nameof(OnOpen));
    internal void RaiseMessage(RTCDataChannelMessage message)
    {
        Interlocked.Increment(ref _messagesReceived);
        Interlocked.Add(ref _bytesReceived, message.Data.Length);
        UserHandlers.Invoke(OnMessage, this, message, _manager.Logger, DataChannelLog.HandlerThrew, nameof(OnMessage));
    }
    internal void RaiseClosing() => Raise(OnClosing, nameof(OnClosing));
    internal void RaiseClose() => Raise(OnClose, nameof(OnClose));
    internal void RaiseError(string message) =>
        UserHandlers.Invoke(OnError, this, new RTCErrorEventArgs(message), _manager.Logger, DataChannelLog.HandlerThrew, nameof(OnError));
    internal void RaiseBufferedAmountLow() => Raise(OnBufferedAmountLow, nameof(OnBufferedAmountLow));

    private void Raise(EventHandler? handler, string name) => UserHandlers.Invoke(handler, this, _manager.Logger, DataChannelLog.HandlerThrew, name);

    // Close handshake bookkeeping, owned by the manager's loop.
    internal bool OutgoingResetDone { get; set; }
    internal bool IncomingResetDone { get; set; }
    internal bool ResetRequested { get; set; }
}
