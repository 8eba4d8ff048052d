using Microsoft.Extensions.Logging;
using WebRtcPS.Engine.Runtime;
using WebRtcPS.Engine.Sctp;

namespace WebRtcPS.Engine.DataChannels;

/// <summary>
/// Data channels over one SCTP association (RFC 8831, RFC 8832): DCEP open/ack for in-band
/// channels, pre-negotiated channels, stream ids by DTLS role (client even, server odd —
/// RFC 8832 §6), PPID framing, and closing by stream reset in both directions (RFC 8831 §6.7).
/// The association must be created with <see cref="SctpAssociationOptions.DeliverMessagesAsEvents"/>
/// and this manager constructed (or attached) before the association starts. A peer connection
/// creates the manager detached, so that channels can be created before negotiation (W3C
/// createDataChannel before createOffer), and attaches the association once DTLS is up.
/// </summary>
/// <remarks>
/// <para>The channels' state (ids, ready states, the close handshake, channels waiting for the
/// transport) is owned by one <see cref="SerialLoop"/>; API calls and the association's events
/// post to it and wait (its work items never block), then raise what it queued. Received data and
/// bufferedAmount decreases need no state change: they read the channel map the loop publishes,
/// without a hop.</para>
/// <para>Every user event (open, message, closing, close, error, bufferedamountlow, datachannel) runs on
/// the association's single event task, in order, never under a lock and never on the SCTP loop.
/// OnMessage handlers run inline there, so a slow handler holds back the SCTP receive window (flow
/// control reaches the sender). A handler that throws is logged (event id 4050) and delivery goes
/// on (<see cref="UserHandlers"/>).</para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A SerialLoop without deadlines holds no timer: nothing to release; it goes with its owner.")]
internal sealed class DataChannelManager
{
    private readonly SerialLoop _loop;
    // Written on the loop only; read anywhere: a map never changed once published (copied and
    // replaced on each change, which is rare: channels open and close, messages do not change it).
    private volatile Dictionary<ushort, RTCDataChannel> _channels = [];
    private volatile SctpAssociation? _association;
    private volatile ILogger? _logger;
    // The loop's.
    private readonly List<(RTCDataChannel Channel, ushort? RequestedId)> _awaitingTransport = [];
    private List<Action> _raised = [];
    private bool _isDtlsClient;
    private bool _connected;
    private bool _closed;
    // What came in, for Describe (a failure's diagnostics): DCEP counted on the loop, drops on the event task; read anywhere.
    private int _dcepOpens, _dcepAcks, _dropped;
    private volatile string? _lastDrop;

    /// <param name="association">The SCTP association the channels' streams belong to.</param>
    /// <param name="isDtlsClient">Our DTLS role, which picks our stream ids: even for the client, odd for the server (RFC 8832 §6).</param>
    /// <param name="logger">Where user handlers' exceptions are logged; the association's logger when null.</param>
    public DataChannelManager(SctpAssociation association, bool isDtlsClient, ILogger? logger = null)
        : this(logger)
    {
        ArgumentNullException.ThrowIfNull(association);
        Attach(association, isDtlsClient);
    }

    /// <summary>A manager without an association yet: channels wait (connecting) until <see cref="Attach"/>.</summary>
    internal DataChannelManager(ILogger? logger)
    {
        _logger = logger;
        // No timers: the loop needs no disposal, and goes with the manager.
        _loop = new SerialLoop("data channel manager loop", null, logger, DataChannelLog.LoopWorkFailed);
    }

    /// <summary>The logger user handlers' exceptions go to (see <see cref="UserHandlers"/>).</summary>
    internal ILogger? Logger => _logger;

    /// <summary>Binds the association (once); stream ids of waiting channels follow the DTLS role.</summary>
    internal void Attach(SctpAssociation association, bool isDtlsClient)
    {
        _loop.Invoke(() =>
        {
            if (_association is not null) throw new InvalidOperationException("The manager already has an association.");
            _association = association;
            _logger ??= association.Logger;
            _loop.Logger = _logger;
            _isDtlsClient = isDtlsClient;
        });
        association.MessageReceived += (_, m) => OnSctpMessage(m);
        association.StreamReset += (_, e) => OnLoopThenRaise(() => OnStreamReset(e), onEventThread: true);
        association.StateChanged += (_, s) => OnLoopThenRaise(() => OnTransportState(s), onEventThread: true);
        association.BufferedAmountDecreased += (_, e) => OnBufferedAmountDecreased(e);
        if (association.State == RTCSctpTransportState.Connected)
            OnLoopThenRaise(() => OnTransportState(RTCSctpTransportState.Connected), onEventThread: false);
    }

    public SctpAssociation Association => _association ?? throw new InvalidStateError("The SCTP association is not up yet.");

    internal long GetBufferedAmount(ushort streamId) => _association?.GetBufferedAmount(streamId) ?? 0;

    /// <summary>Closes every channel (with an error event when <paramref name="reason"/> is given):
    /// used when the peer connection closes or fails, with or without an association.</summary>
    internal void CloseAll(string? reason) => OnLoopThenRaise(() => MarkClosed(reason), onEventThread: false);

    /// <summary>W3C ondatachannel: the peer opened a channel with DATA_CHANNEL_OPEN.</summary>
    public event EventHandler<RTCDataChannel>? OnDataChannel;

    /// <summary>The channels with a stream id, by id.</summary>
    public IReadOnlyList<RTCDataChannel> Channels => [.. _channels.OrderBy(c => c.Key).Select(c => c.Value)];

    /// <summary>W3C createDataChannel. In-band channels created before the association is up open
    /// when it comes up, with their DATA_CHANNEL_OPEN, without waiting for the peer's ACK (RFC 8832
    /// §6 lets the opener send at once; Chromium and Firefox open there too); one created on an
    /// association already up opens at the ACK, so that handlers attached right after this returns
    /// see its open event (a .NET caller has no run-to-completion to rely on). Negotiated channels
    /// open as soon as the association is up.</summary>
    /// <exception cref="InvalidStateError">The SCTP transport is closed.</exception>
    /// <exception cref="OperationError">The requested stream id is in use, or none is free.</exception>
    /// <exception cref="ArgumentException">Bad options (the W3C TypeError).</exception>
    public RTCDataChannel CreateDataChannel(string label, RTCDataChannelInit? init = null) => CreateDataChannel(label, init, null);

    /// <summary>As <see cref="CreateDataChannel(string, RTCDataChannelInit?)"/>; <paramref name="onCreated"/>
    /// runs on the loop before the channel can open, so handlers it attaches miss none of its events.</summary>
    internal RTCDataChannel CreateDataChannel(string label, RTCDataChannelInit? init, Action<RTCDataChannel>? onCreated)
    {
        ArgumentNullException.ThrowIfNull(label);
        init ??= new RTCDataChannelInit();
        init.Validate();
        if (System.Text.Encoding.UTF8.GetByteCount(label) > 65535) throw new ArgumentException("label is too long.", nameof(label));
        var (channel, raised) = _loop.Invoke(() =>
        {
            var channel = Create(label, init, onCreated);
            return (channel, TakeRaised());
        });
        Raise(raised, onEventThread: false);
        return channel;
    }

    /// <summary>On the loop: createDataChannel's state change.</summary>
    private RTCDataChannel Create(string label, RTCDataChannelInit init, Action<RTCDataChannel>? onCreated)
    {
        if (_closed) throw new InvalidStateError("createDataChannel: the SCTP transport is closed.");
        var channel = new RTCDataChannel(this, label, init, null);
        if (!_connected && init.Id is null)
        {
            onCreated?.Invoke(channel);
            _awaitingTransport.Add((channel, null));
            return channel;
        }
        var id = init.Id ?? AllocateId();
        if (_channels.ContainsKey(id)) throw new OperationError($"createDataChannel: stream id {id} is in use.");
        channel.Id = id;
        onCreated?.Invoke(channel);
        _channels = new(_channels) { [id] = channel };
        if (!_connected) _awaitingTransport.Add((channel, id));
        else Announce(channel, openWithOpen: false);
        return channel;
    }

    private ushort AllocateId()
    {
        var limit = Association.StreamCount > 0 ? Association.StreamCount : 65535;
        for (int id = _isDtlsClient ? 0 : 1; id < limit; id += 2)
            if (!_channels.ContainsKey((ushort)id)) return (ushort)id;
        throw new OperationError("createDataChannel: no free SCTP stream id.");
    }

    /// <summary>On the loop, once the association is up and the channel has an id. An in-band
    /// channel opens with its OPEN when <paramref name="openWithOpen"/>, else at the peer's ACK.</summary>
    private void Announce(RTCDataChannel channel, bool openWithOpen)
    {
        if (channel.Negotiated)
        {
            channel.ReadyState = RTCDataChannelState.Open;
            Queue(channel.RaiseOpen);
            return;
        }
        SetupTrace.Mark("dcep.open.send");
        var open = DataChannelOpenMessage.For(channel.Label, channel.Protocol, channel.Ordered, channel.MaxRetransmits, channel.MaxPacketLifeTime, channel.Priority);
        try
        {
            // Before the send: a message the user sends from the open event must already go ordered.
            channel.AwaitingAck = true;
            Association.Send(channel.Id!.Value, (uint)DataChannelPpid.Dcep, open.ToArray());
        }
        catch (InvalidStateError)
        {
            // The association closed before we heard: its Closed event, already queued, closes the channel.
            return;
        }
        if (!openWithOpen) return;
        // The OPEN is queued ordered and reliable ahead of anything the user sends on the stream,
        // so the peer has the channel before its first message (RFC 8832 §6): open now, one round
        // trip earlier than at the ACK.
        channel.ReadyState = RTCDataChannelState.Open;
        Queue(channel.RaiseOpen);
    }

    private void OnTransportState(RTCSctpTransportState state)
    {
        if (state == RTCSctpTransportState.Connected && !_connected)
        {
            _connected = true;
            foreach (var (channel, requested) in _awaitingTransport)
            {
                if (requested is null)
                {
                    channel.Id = AllocateId();
                    _channels = new(_channels) { [channel.Id.Value] = channel };
                }
                Announce(channel, openWithOpen: true);
            }
            _awaitingTransport.Clear();
        }
        else if (state == RTCSctpTransportState.Closed)
        {
            MarkClosed(Association.CloseReason);
        }
    }

    /// <summary>On the loop: every channel closed, once.</summary>
    private void MarkClosed(string? reason)
    {
        if (_closed) return;
        _closed = true;
        foreach (var channel in _channels.Values.Concat(_awaitingTransport.Select(a => a.Channel)).Distinct())
        {
            if (channel.ReadyState == RTCDataChannelState.Closed) continue;
            channel.ReadyState = RTCDataChannelState.Closed;
            if (reason is not null) Queue(() => channel.RaiseError($"SCTP association closed: {reason}"));
            Queue(channel.RaiseClose);
        }
        _channels = [];
        _awaitingTransport.Clear();
    }

    /// <summary>On the association's event task. Data goes straight to the channel (the map the loop
    /// publishes says which); DCEP changes state, so it goes through the loop.</summary>
    private void OnSctpMessage(SctpMessage message)
    {
        if ((DataChannelPpid)message.Ppid == DataChannelPpid.Dcep)
        {
            OnLoopThenRaise(() => HandleDcep(message), onEventThread: true);
            return;
        }
        if (!_channels.TryGetValue(message.StreamId, out var channel))
        {
            Dropped(message, "no channel has this stream");
            return;
        }
        // User data before our OPEN's ACK implies the ACK: the peer sends the ACK ordered, so an
        // unordered message sent after it can overtake it (RFC 8832 §6). Our own messages may
        // travel unordered from here on; a channel waiting for the ACK opens first (its open event
        // is raised here, before the message), and nothing is dropped.
        if (channel.AwaitingAck) OnLoopThenRaise(() => Acknowledged(message.StreamId), onEventThread: true);
        if (channel.ReadyState is RTCDataChannelState.Closed or RTCDataChannelState.Connecting)
        {
            Dropped(message, $"the channel '{channel.Label}' is {channel.ReadyState.ToString().ToLowerInvariant()}");
            return;
        }
        RTCDataChannelMessage? m = (DataChannelPpid)message.Ppid switch
        {
            DataChannelPpid.String or DataChannelPpid.StringPartial => new RTCDataChannelMessage(true, message.Data),
            DataChannelPpid.Binary or DataChannelPpid.BinaryPartial => new RTCDataChannelMessage(false, message.Data),
            DataChannelPpid.StringEmpty => new RTCDataChannelMessage(true, []),
            DataChannelPpid.BinaryEmpty => new RTCDataChannelMessage(false, []),
            _ => null,
        };
        if (m is not null) channel.RaiseMessage(m);
    }

    /// <summary>On the event task: a message no channel takes, counted (Describe) and logged at Debug (a peer sending after a close could be many).</summary>
    private void Dropped(SctpMessage message, string reason)
    {
        Interlocked.Increment(ref _dropped);
        _lastDrop = $"PPID {message.Ppid}, {message.Data.Length} bytes on stream {message.StreamId}: {reason}";
        if (_logger is { } logger) DataChannelLog.MessageDropped(logger, message.Ppid, message.Data.Length, message.StreamId, reason);
    }

    /// <summary>One line for diagnostics: each channel's state and messages, the DCEP messages and drops seen.</summary>
    internal string Describe()
    {
        var channels = string.Join(", ", _channels.OrderBy(c => c.Key).Select(c =>
            $"{c.Key} '{c.Value.Label}' {c.Value.ReadyState.ToString().ToLowerInvariant()} {c.Value.MessagesSent}/{c.Value.MessagesReceived} sent/received"));
        return $"channels [{channels}]; DCEP received: {Volatile.Read(ref _dcepOpens)} OPEN, {Volatile.Read(ref _dcepAcks)} ACK; " +
            $"messages dropped {Volatile.Read(ref _dropped)}{(_lastDrop is { } last ? $" (last: {last})" : "")}";
    }

    private void HandleDcep(SctpMessage message)
    {
        if (DataChannelOpenMessage.TryParse(message.Data, out var open))
        {
            Interlocked.Increment(ref _dcepOpens);
            SetupTrace.Mark("dcep.open.recv");
            if (_channels.ContainsKey(message.StreamId)) return;   // a glare we cannot resolve: keep ours
            var channel = new RTCDataChannel(this, open.Label, new RTCDataChannelInit
            {
                Ordered = open.Ordered, MaxRetransmits = open.MaxRetransmits, MaxPacketLifeTime = open.MaxPacketLifeTime,
                Protocol = open.Protocol, Priority = open.Priority,
            }, message.StreamId);
            _channels = new(_channels) { [message.StreamId] = channel };
            var ack = new byte[1];
            new DataChannelAckMessage().Write(ack);
            Association.Send(message.StreamId, (uint)DataChannelPpid.Dcep, ack);
            channel.ReadyState = RTCDataChannelState.Open;
            Queue(() => UserHandlers.Invoke(OnDataChannel, this, channel, _logger, DataChannelLog.HandlerThrew, nameof(OnDataChannel)));
            Queue(channel.RaiseOpen);
        }
        else if (DataChannelAckMessage.TryParse(message.Data, out _))
        {
            Interlocked.Increment(ref _dcepAcks);
            SetupTrace.Mark("dcep.ack.recv");
            Acknowledged(message.StreamId);
        }
    }

    /// <summary>On the loop: our OPEN on this stream was answered (by an ACK, or implied by data):
    /// messages may go unordered, and a channel that waited for the answer opens.</summary>
    private void Acknowledged(ushort streamId)
    {
        if (!_channels.TryGetValue(streamId, out var channel)) return;
        channel.AwaitingAck = false;
        if (channel.ReadyState == RTCDataChannelState.Connecting)
        {
            channel.ReadyState = RTCDataChannelState.Open;
            Queue(channel.RaiseOpen);
        }
    }

    internal void CloseChannel(RTCDataChannel channel) => OnLoopThenRaise(() =>
    {
        if (channel.ReadyState is RTCDataChannelState.Closing or RTCDataChannelState.Closed) return;
        if (channel.Id is not { } id || !_channels.ContainsKey(id) || !_connected)
        {
            _awaitingTransport.RemoveAll(a => a.Channel == channel);
            if (channel.Id is { } pendingId) _channels = Without(pendingId);
            channel.ReadyState = RTCDataChannelState.Closed;
            Queue(channel.RaiseClose);
        }
        else BeginClosing(channel);
    }, onEventThread: false);

    private void BeginClosing(RTCDataChannel channel)
    {
        channel.ReadyState = RTCDataChannelState.Closing;
        Queue(channel.RaiseClosing);
        if (!channel.ResetRequested)
        {
            channel.ResetRequested = true;
            Association.ResetStreams(channel.Id!.Value);
        }
    }

    private void OnStreamReset(StreamResetEventArgs e)
    {
        foreach (var id in e.StreamIds)
        {
            if (!_channels.TryGetValue(id, out var channel)) continue;
            if (e.Direction == StreamResetDirection.Outgoing)
            {
                channel.OutgoingResetDone = true;
                // A peer that cannot reset streams (no RE-CONFIG) will not reset its side either.
                if (!e.Succeeded) channel.IncomingResetDone = true;
            }
            else
            {
                channel.IncomingResetDone = true;
                // The peer closed: close our side too (RFC 8831 §6.7).
                if (channel.ReadyState is RTCDataChannelState.Open or RTCDataChannelState.Connecting) BeginClosing(channel);
            }
            if (channel.OutgoingResetDone && channel.IncomingResetDone)
            {
                _channels = Without(id);
                channel.ReadyState = RTCDataChannelState.Closed;
                Queue(channel.RaiseClose);
            }
        }
    }

    /// <summary>On the association's event task: no state changes, so no hop to the loop.</summary>
    private void OnBufferedAmountDecreased(BufferedAmountEventArgs e)
    {
        if (!_channels.TryGetValue(e.StreamId, out var channel)) return;
        var threshold = channel.BufferedAmountLowThreshold;
        if (e.BufferedAmount + e.Decrease > threshold && e.BufferedAmount <= threshold) channel.RaiseBufferedAmountLow();
    }

    /// <summary>On the loop: the channel map without <paramref name="id"/>, to publish.</summary>
    private Dictionary<ushort, RTCDataChannel> Without(ushort id)
    {
        var map = new Dictionary<ushort, RTCDataChannel>(_channels);
        map.Remove(id);
        return map;
    }

    /// <summary>On the loop: a user event to raise once the work item is done.</summary>
    private void Queue(Action action) => _raised.Add(action);

    /// <summary>On the loop: the user events queued by the work item.</summary>
    private List<Action> TakeRaised()
    {
        if (_raised.Count == 0) return [];
        var batch = _raised;
        _raised = [];
        return batch;
    }

    /// <summary>Runs <paramref name="change"/> on the loop and waits, then raises the user events it queued.</summary>
    private void OnLoopThenRaise(Action change, bool onEventThread)
    {
        var raised = _loop.Invoke(() =>
        {
            change();
            return TakeRaised();
        });
        Raise(raised, onEventThread);
    }

    /// <summary>Raises user events: inline when already on the association's event task, else
    /// queued onto it so that they stay in order with the events coming from the association.</summary>
    private void Raise(List<Action> batch, bool onEventThread)
    {
        if (batch.Count == 0) return;
        if (onEventThread) Invoke(batch);
        else if (_association is { } association) association.PostEvent(() => Invoke(batch));
        else ThreadPool.QueueUserWorkItem(b => Invoke(b), batch, preferLocal: false);
    }

    /// <summary>Each raised event applies the user-handler policy itself; Run covers anything else.</summary>
    private void Invoke(List<Action> batch)
    {
        foreach (var action in batch) UserHandlers.Run(action, _logger, DataChannelLog.HandlerThrew, "data channel event");
    }
}
