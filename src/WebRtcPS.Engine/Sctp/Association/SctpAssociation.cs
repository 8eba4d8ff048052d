using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WebRtcPS.Engine.Runtime;
using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Engine.Sctp;

/// <summary>
/// An SCTP association over an <see cref="IDatagramTransport"/> (RFC 9260 / RFC 8261, the WebRTC
/// data channel transport). All protocol state lives in one <see cref="SctpAssociationCore"/>
/// driven by a single loop fed through a queue (received packets, user calls, timer ticks); its
/// handlers return packets, which the loop sends. User events are queued and raised in order on
/// their own task, never on the loop; a handler that throws is logged (warning, event id 4006)
/// and delivery goes on.
/// </summary>
/// <remarks>
/// The loop has no task of its own: the thread that posts into an idle loop runs it (as
/// <c>Runtime/SerialLoop</c> does) until the queue is empty, so received packets are handled on the
/// thread that brings them (over our DTLS, ICE's socket thread pushes each record, and handles the
/// small ones; else the receive task, after queuing what the transport had ready: one SACK per
/// burst) and a small
/// message sent on an idle association goes out on the caller's thread, without a thread hop each
/// (the echo round trip's hand-offs); larger or queued-behind sends are run by a pool thread, so a
/// bulk sender keeps making messages meanwhile. A transport send that does not complete at once
/// moves the rest of that drain to its continuation; a post meanwhile only queues.
/// </remarks>
internal sealed class SctpAssociation : IAsyncDisposable, IDatagramSink
{
    private readonly IDatagramTransport _transport;
    private readonly SctpAssociationOptions _options;
    private readonly SctpAssociationCore _core;
    private readonly ConcurrentQueue<Func<SctpAssociationCore, List<SctpPacket>>> _inputs = new();
    private readonly TaskCompletionSource _loopDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Channel<SctpMessage> _messages = Channel.CreateUnbounded<SctpMessage>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly Channel<Action> _events = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<ushort, StrongBox<long>> _buffered = new();
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _cts = new();
    private readonly ITimer _timer;
    private readonly ILogger _logger;
    private readonly object _roomGate = new();
    private TaskCompletionSource? _roomWaiter;
    // The loop's: WhenSentDataAcknowledgedAsync callers, released by Dispatch.
    private readonly List<TaskCompletionSource<bool>> _ackWaiters = [];
    private TimeSpan? _armedDeadline;
    private long _totalBuffered;
    private long _unconsumed;
    private readonly CountingReader _messageReader;
    private long _packetsSent, _packetsReceived, _packetsDropped, _internalErrors;
    private volatile string? _lastDropped;   // the last datagram that did not parse, for Describe
    private Task? _receiveTask, _eventTask;
    private IDatagramPushSource? _pushSource;   // the transport pushes packets (OnDatagram) instead of a receive loop
    // The loop's: the packets of one step, handed to the transport together (DTLS encrypts them
    // under one lock, the socket sends runs of them with one system call). Grows to ~64 KiB in bulk.
    private readonly DatagramBatch _batch = new(2048);
    private const int MaxBatchBytes = 64 * 1024;
    private int _draining;   // 1 while a thread runs the loop
    private volatile bool _loopStopped;   // the final input ran: later posts are dropped
    private volatile RTCSctpTransportState _state = RTCSctpTransportState.Connecting;
    private int _started;
    private int _disposed;

    public SctpAssociation(IDatagramTransport transport, SctpAssociationOptions? options = null, TimeProvider? timeProvider = null,
        ILogger? logger = null)
    {
        _logger = logger ?? NullLogger.Instance;
        _transport = transport ?? throw new ArgumentNullException(nameof(transport));
        _options = options ?? new SctpAssociationOptions();
        var time = timeProvider ?? TimeProvider.System;
        _core = new SctpAssociationCore(_options, transport.MaxDatagramSize, time, UnconsumedIncludingUndispatched);
        _messageReader = new CountingReader(_messages.Reader, this);
        _timer = time.CreateTimer(_ => Post(OnTimerFired), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Creates an association, starts it and waits until it is established.</summary>
    public static async Task<SctpAssociation> ConnectAsync(IDatagramTransport transport, SctpAssociationOptions? options = null,
        TimeProvider? timeProvider = null, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        var association = new SctpAssociation(transport, options, timeProvider, logger);
        association.Start();
        try
        {
            await association.WaitConnectedAsync(cancellationToken).ConfigureAwait(false);
            return association;
        }
        catch
        {
            await association.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public RTCSctpTransportState State => _state;
    /// <summary>Largest message we accept (our a=max-message-size).</summary>
    public int MaxMessageSize => _options.MaxMessageSize;
    /// <summary>Largest message we may send (the peer's a=max-message-size).</summary>
    public int MaxSendMessageSize => _options.RemoteMaxMessageSize switch { null => _options.MaxMessageSize, 0 => int.MaxValue, var n => n.Value };
    /// <summary>Stream ids 0..StreamCount-1 are usable both ways (negotiated in INIT/INIT-ACK; 0 before).</summary>
    public int StreamCount => _core.StreamCount;
    /// <summary>Why the association closed, once it has.</summary>
    public string? CloseReason { get; private set; }

    /// <summary>Complete messages received, in delivery order; completes when the association closes.</summary>
    public ChannelReader<SctpMessage> Messages => _messageReader;

    /// <summary>Bytes received and delivered but not yet read (or handled); they shrink our advertised window.</summary>
    public long UnconsumedBytes => Interlocked.Read(ref _unconsumed);

    public event EventHandler<RTCSctpTransportState>? StateChanged;
    public event EventHandler<StreamResetEventArgs>? StreamReset;
    public event EventHandler<BufferedAmountEventArgs>? BufferedAmountDecreased;
    /// <summary>Raised per message when <see cref="SctpAssociationOptions.DeliverMessagesAsEvents"/> is set.</summary>
    public event EventHandler<SctpMessage>? MessageReceived;

    public long PacketsSent => Interlocked.Read(ref _packetsSent);
    public long PacketsReceived => Interlocked.Read(ref _packetsReceived);
    /// <summary>Datagrams that failed to parse (bad checksum, malformed) and were dropped.</summary>
    public long PacketsDropped => Interlocked.Read(ref _packetsDropped);
    /// <summary>DATA chunks sent again (fast retransmit or T3).</summary>
    public long Retransmissions => _core.Retransmissions;
    /// <summary>T3-rtx expiries.</summary>
    public long Timeouts => _core.Timeouts;

    /// <summary>Bugs caught on the loop (should stay 0; tests assert it).</summary>
    public long InternalErrors => Interlocked.Read(ref _internalErrors);

    /// <summary>The core's state summary and the packets taken and dropped here, read off-loop
    /// (racy; diagnostics only).</summary>
    internal string Describe() =>
        $"{_core.Describe()} packetsIn={PacketsReceived} packetsDropped={PacketsDropped}{(_lastDropped is { } last ? $" (last: {last})" : "")}";

    /// <summary>The logger given at construction (layers above log through it when they have none of their own).</summary>
    internal ILogger Logger => _logger;

    /// <summary>Our verification tag (tests use it to craft packets the association will not discard).</summary>
    internal uint LocalVerificationTag => _core.LocalVerificationTag;

    /// <summary>Bytes queued with Send and not yet handed to the network, across all streams.</summary>
    public long BufferedAmount => Interlocked.Read(ref _totalBuffered);

    public long GetBufferedAmount(ushort streamId) => _buffered.TryGetValue(streamId, out var box) ? Interlocked.Read(ref box.Value) : 0;

    /// <summary>Starts the loops; sends INIT unless <see cref="SctpAssociationOptions.SendInit"/> is
    /// false or the peer's INIT was already waiting (it is answered instead: one handshake, not a
    /// collision of two, RFC 9260 §5.2.1).</summary>
    /// <remarks>What the transport holds already (the peer's INIT, sent the moment its DTLS
    /// connected) is handled on the caller's thread before our INIT would leave, without waiting
    /// for a pool thread: pushed to <see cref="IDatagramSink.OnDatagram"/> when the transport pushes (ours does),
    /// else by the receive loop's first turn.</remarks>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0) return;
        TryDrain();
        _eventTask = Task.Run(EventLoopAsync);
        if (_transport is IDatagramPushSource source && source.TrySetSink(this)) _pushSource = source;
        else _receiveTask = ReceiveLoopAsync();
        if (_options.SendInit) Post(core => core.Connect());
    }

    /// <summary>See <see cref="SctpAssociationCore.ExpectInitAckWithin"/>.</summary>
    internal void ExpectInitAckWithin(TimeSpan within) => Post(core => core.ExpectInitAckWithin(within));

    public Task WaitConnectedAsync(CancellationToken cancellationToken = default) => _connected.Task.WaitAsync(cancellationToken);

    /// <summary>Completes when the association has closed (shutdown, abort or failure).</summary>
    public Task Completion => _closed.Task;

    /// <summary>Queues a message without waiting (the W3C send()); bufferedAmount grows by its size.</summary>
    public void Send(ushort streamId, uint ppid, ReadOnlyMemory<byte> payload, SctpSendOptions options = default)
    {
        if (payload.Length == 0 || payload.Length > MaxSendMessageSize)
            throw new ArgumentOutOfRangeException(nameof(payload), payload.Length, $"An SCTP message carries 1 to {MaxSendMessageSize} bytes.");
        if (_state == RTCSctpTransportState.Closed) throw new InvalidStateError($"send: the SCTP association is closed ({CloseReason ?? "shut down"}).");
        var copy = payload.ToArray();
        Interlocked.Add(ref _buffered.GetOrAdd(streamId, _ => new StrongBox<long>()).Value, copy.Length);
        var idle = Interlocked.Add(ref _totalBuffered, copy.Length) == copy.Length;
        // A small message on an idle association goes out on this thread (no hop: the echo's round
        // trip); anything else is sent by a pool thread, so a bulk sender's next message is made
        // while the previous one is encrypted and sent (two cores pipeline).
        if (idle && copy.Length <= _transport.MaxDatagramSize) Post(core => core.Enqueue(streamId, ppid, copy, options));
        else PostDeferred(core => core.Enqueue(streamId, ppid, copy, options));
    }

    /// <summary>Queues an input; a pool thread runs the loop if no thread is running it.</summary>
    private void PostDeferred(Func<SctpAssociationCore, List<SctpPacket>> input)
    {
        if (_loopStopped) return;
        _inputs.Enqueue(input);
        if (Volatile.Read(ref _started) == 1 && Volatile.Read(ref _draining) == 0)
            ThreadPool.UnsafeQueueUserWorkItem(static owner => owner.TryDrain(), this, preferLocal: false);
    }

    /// <summary>Queues a message, first waiting while more than MaxBufferedAmount bytes are queued (backpressure).</summary>
    public async ValueTask SendAsync(ushort streamId, uint ppid, ReadOnlyMemory<byte> payload, SctpSendOptions options = default,
        CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task wait;
            lock (_roomGate)
            {
                if (_state == RTCSctpTransportState.Closed || Interlocked.Read(ref _totalBuffered) < _options.MaxBufferedAmount) break;
                _roomWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _roomWaiter.Task;
            }
            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        Send(streamId, ppid, payload, options);
    }

    /// <summary>A consistent snapshot of the association's statistics, taken on its loop.</summary>
    public Task<SctpStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default)
    {
        var tcs = new TaskCompletionSource<SctpStatistics>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!Post(core =>
            {
                tcs.TrySetResult(Complete(core.Snapshot()));
                return [];
            }))
            tcs.TrySetResult(Complete(_core.Snapshot()));   // the loop has ended: nothing changes any more
        return tcs.Task.WaitAsync(cancellationToken);
    }

    private SctpStatistics Complete(SctpStatistics core) => core with
    {
        PacketsSent = PacketsSent,
        PacketsReceived = PacketsReceived,
        PacketsDropped = core.PacketsDropped + PacketsDropped,
        BufferedAmount = BufferedAmount,
        UnconsumedBytes = UnconsumedBytes,
    };

    /// <summary>Resets our outgoing side of the streams (RFC 6525); the answer arrives as <see cref="StreamReset"/>.</summary>
    public void ResetStreams(params ushort[] streamIds)
    {
        var ids = streamIds.ToArray();
        Post(core => core.ResetStreams(ids));
    }

    /// <summary>Graceful SHUTDOWN once queued data is acknowledged; completes when closed.</summary>
    public async Task ShutdownAsync(CancellationToken cancellationToken = default)
    {
        Post(core => core.Shutdown());
        await _closed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Abort(string reason = "aborted") => Post(core => core.Abort(reason));

    /// <summary>True once the peer has acknowledged everything sent so far (nothing queued or in
    /// flight); false if the association closes first. Closing right after loses nothing then:
    /// an ABORT discards what is still unacknowledged (RFC 9260 §9.1). The newest DATA chunk asks
    /// the peer to acknowledge it without its delayed-SACK wait (RFC 7053, <see cref="SctpAssociationCore.RequestSackImmediately"/>).</summary>
    internal Task<bool> WhenSentDataAcknowledgedAsync()
    {
        var waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = _closed.Task.ContinueWith(_ => waiter.TrySetResult(false), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        Post(core =>
        {
            if (core.AllSentDataAcknowledged)
            {
                waiter.TrySetResult(true);
                return [];
            }
            _ackWaiters.Add(waiter);
            return core.RequestSackImmediately();
        });
        return waiter.Task;
    }

    private List<SctpPacket> OnTimerFired(SctpAssociationCore core)
    {
        _armedDeadline = null;   // the OS timer is spent; Arm() must set it again
        return core.OnTimer();
    }

    /// <summary>Runs <paramref name="action"/> on the event task, after the events already queued
    /// (layers above use it to keep their own events in order with ours). Dropped once closed.</summary>
    internal void PostEvent(Action action) => _events.Writer.TryWrite(action);

    /// <summary>Queues an input and, when no thread is running the loop, runs it here. False once the loop has stopped.</summary>
    private bool Post(Func<SctpAssociationCore, List<SctpPacket>> input)
    {
        if (_loopStopped) return false;
        _inputs.Enqueue(input);
        if (Volatile.Read(ref _started) == 1) TryDrain();
        return true;
    }

    /// <summary>Queues an input without running the loop (the receive loop runs it after a burst).</summary>
    private void Enqueue(Func<SctpAssociationCore, List<SctpPacket>> input)
    {
        if (!_loopStopped) _inputs.Enqueue(input);
    }

    private void TryDrain()
    {
        if (Interlocked.CompareExchange(ref _draining, 1, 0) != 0) return;
        _ = DrainAsync();   // runs on this thread until a send does not complete at once
    }

    private async Task DrainAsync()
    {
        try
        {
            await DrainQueueAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Dispatch or the timer failed (a bug): logged and counted; the loop stays usable.
            SctpLog.InternalError(_logger, ex);
            Interlocked.Increment(ref _internalErrors);
            Volatile.Write(ref _draining, 0);
        }
    }

    private async Task DrainQueueAsync()
    {
        while (true)
        {
            while (!_loopStopped && _inputs.TryDequeue(out var input))
            {
                List<SctpPacket> outbound;
                try
                {
                    _core.MoreInputQueued = !_inputs.IsEmpty;
                    outbound = input(_core);
                }
                catch (Exception ex)
                {
                    SctpLog.InternalError(_logger, ex);
                    Interlocked.Increment(ref _internalErrors);
                    outbound = [];
                }
                foreach (var packet in outbound)
                {
                    var length = packet.EncodedLength;
                    if (_batch.Count > 0 && _batch.TotalLength + length > MaxBatchBytes && !await SendBatchAsync().ConfigureAwait(false)) break;
                    _batch.Commit(packet.Write(_batch.Reserve(length)));
                    if (SetupTrace.Enabled) SetupTrace.Mark("sctp.out", Chunks(packet));
                }
                if (_batch.Count > 0) await SendBatchAsync().ConfigureAwait(false);
                Dispatch();
                Arm();
            }
            Volatile.Write(ref _draining, 0);
            // An input queued after our last dequeue, by a thread that saw us draining: take it, unless another thread has.
            if (_loopStopped || _inputs.IsEmpty || Interlocked.CompareExchange(ref _draining, 1, 0) != 0) return;
        }
    }

    /// <summary>Sends and clears <see cref="_batch"/>; false when the transport has closed or the
    /// association is stopping (the rest of the step's packets are not sent). A failed send is lost
    /// packets (e.g. ICMP unreachable on UDP): retransmission copes.</summary>
    private async ValueTask<bool> SendBatchAsync()
    {
        try
        {
            await _transport.SendBatchAsync(_batch, _cts.Token).ConfigureAwait(false);
            Interlocked.Add(ref _packetsSent, _batch.Count);
            return true;
        }
        catch (ObjectDisposedException)
        {
            SctpLog.TransportClosed(_logger);
            _core.TransportClosed();
            return false;
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception ex)
        {
            SctpLog.SendFailed(_logger, ex);
            return true;
        }
        finally
        {
            _batch.Clear();
        }
    }

    /// <summary>The loop's last input (queued by DisposeAsync after everything else): stops the timer and closes.</summary>
    private List<SctpPacket> StopLoop(SctpAssociationCore core)
    {
        _loopStopped = true;
        _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        CloseEverything(core.State == AssociationState.Closed ? core.CloseReason : "association stopped");
        _loopDone.TrySetResult();
        return [];
    }

    private void Arm()
    {
        var deadline = _core.NextDeadline;
        if (deadline == _armedDeadline) return;
        _armedDeadline = deadline;
        if (deadline is not { } d)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }
        var due = d - _core.Now;
        _timer.Change(due < TimeSpan.Zero ? TimeSpan.Zero : due + TimeSpan.FromMilliseconds(1), Timeout.InfiniteTimeSpan);
    }

    /// <summary>Moves what the core produced in the last step to the user: messages, bufferedAmount
    /// decreases, state changes and stream resets.</summary>
    private void Dispatch()
    {
        foreach (var message in _core.Delivered)
        {
            Interlocked.Add(ref _unconsumed, message.Data.Length);
            if (_options.DeliverMessagesAsEvents)
                _events.Writer.TryWrite(() =>
                {
                    UserHandlers.Invoke(MessageReceived, this, message, _logger, SctpLog.HandlerThrew, nameof(MessageReceived));
                    Consumed(message.Data.Length);
                });
            else _messages.Writer.TryWrite(message);
        }
        _core.Delivered.Clear();
        if (_core.DrainedBytes.Count > 0)
        {
            foreach (var (stream, bytes) in _core.DrainedBytes)
            {
                var box = _buffered.GetOrAdd(stream, _ => new StrongBox<long>());
                var now = Interlocked.Add(ref box.Value, -bytes);
                Interlocked.Add(ref _totalBuffered, -bytes);
                var args = new BufferedAmountEventArgs(stream, now, bytes);
                _events.Writer.TryWrite(() => UserHandlers.Invoke(BufferedAmountDecreased, this, args, _logger, SctpLog.HandlerThrew, nameof(BufferedAmountDecreased)));
            }
            _core.DrainedBytes.Clear();
            ReleaseSenders();
        }
        if (_ackWaiters.Count > 0 && _core.AllSentDataAcknowledged)
        {
            foreach (var waiter in _ackWaiters) waiter.TrySetResult(true);
            _ackWaiters.Clear();
        }
        foreach (var e in _core.Events)
        {
            if (e is StateChangedEvent changed) SctpLog.StateChanged(_logger, changed.State, changed.Reason is null ? "" : $": {changed.Reason}");
            if (e is StreamResetEvent r && _logger.IsEnabled(LogLevel.Debug))
            {
                var streams = string.Join(",", r.Args.StreamIds); // (only when it will be written)
                SctpLog.StreamReset(_logger, r.Args.Direction, streams, r.Args.Succeeded ? "done" : "refused");
            }
            switch (e)
            {
                case StateChangedEvent { State: AssociationState.Established }:
                    SetupTrace.Mark("sctp.established");
                    SetPublicState(RTCSctpTransportState.Connected);
                    _connected.TrySetResult();
                    break;
                case StateChangedEvent { State: AssociationState.Closed } closed:
                    CloseReason = closed.Reason;
                    CloseEverything(closed.Reason);
                    break;
                case StreamResetEvent reset:
                    _events.Writer.TryWrite(() => UserHandlers.Invoke(StreamReset, this, reset.Args, _logger, SctpLog.HandlerThrew, nameof(StreamReset)));
                    break;
            }
        }
        _core.Events.Clear();
    }

    /// <summary>What the core counts against our receive window besides its reassembly queue: bytes
    /// the application has not consumed, plus messages the core completed in the current step that
    /// <see cref="Dispatch"/> has not yet added to them (without these, a SACK built in the step
    /// that completes a message advertised the message's bytes as free, the peer filled them, and
    /// the window check dropped its DATA: a whole message retransmitted). Called on the loop only.</summary>
    private long UnconsumedIncludingUndispatched()
    {
        var bytes = Interlocked.Read(ref _unconsumed);
        foreach (var message in _core.Delivered) bytes += message.Data.Length;
        return bytes;
    }

    /// <summary>The application took <paramref name="bytes"/> off our hands; once less than half the
    /// window is held by the application again, a window-update SACK is sent.</summary>
    private void Consumed(int bytes)
    {
        var after = Interlocked.Add(ref _unconsumed, -bytes);
        var half = _options.ReceiveWindow / 2;
        if (after + bytes > half && after <= half) Post(core => core.WindowUpdate());
    }

    /// <summary>The Messages reader, counting what the application reads for flow control.</summary>
    private sealed class CountingReader(ChannelReader<SctpMessage> inner, SctpAssociation owner) : ChannelReader<SctpMessage>
    {
        public override Task Completion => inner.Completion;
        public override bool CanCount => inner.CanCount;
        public override int Count => inner.Count;
        public override bool CanPeek => inner.CanPeek;
        public override bool TryPeek([System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out SctpMessage item) => inner.TryPeek(out item);

        public override bool TryRead([System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out SctpMessage item)
        {
            if (!inner.TryRead(out item)) return false;
            owner.Consumed(item.Data.Length);
            return true;
        }

        public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) => inner.WaitToReadAsync(cancellationToken);
    }

    private void SetPublicState(RTCSctpTransportState state)
    {
        if (_state == state) return;
        _state = state;
        _events.Writer.TryWrite(() => UserHandlers.Invoke(StateChanged, this, state, _logger, SctpLog.HandlerThrew, nameof(StateChanged)));
    }

    private void CloseEverything(string? reason)
    {
        if (_state != RTCSctpTransportState.Closed) SetPublicState(RTCSctpTransportState.Closed);
        CloseReason ??= reason;
        _messages.Writer.TryComplete();
        _connected.TrySetException(new IOException($"SCTP association closed: {reason ?? "shut down"}"));
        _closed.TrySetResult();
        ReleaseSenders();
        _events.Writer.TryComplete();
    }

    private void ReleaseSenders()
    {
        lock (_roomGate)
        {
            if (_roomWaiter is null) return;
            if (_state != RTCSctpTransportState.Closed && Interlocked.Read(ref _totalBuffered) >= _options.MaxBufferedAmount) return;
            _roomWaiter.TrySetResult();
            _roomWaiter = null;
        }
    }

    /// <summary>Reads packets and queues them; the loop runs (here, when idle) once the transport
    /// has nothing more ready, so a burst received together is handled as one batch
    /// (<see cref="SctpAssociationCore.MoreInputQueued"/>: one SACK for it, not one per two packets).</summary>
    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        var batched = 0;
        while (!_cts.IsCancellationRequested)
        {
            int n;
            try
            {
                var pending = _transport.ReceiveAsync(buffer, _cts.Token);
                if (!pending.IsCompleted || ++batched >= SctpAssociationCore.MaxSackBatch)
                {
                    batched = 0;
                    TryDrain();
                }
                n = await pending.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                Post(core => core.TransportClosed());
                return;
            }
            if (TryTake(buffer.AsSpan(0, n), out var packet)) Enqueue(core => core.HandlePacket(packet));
        }
    }

    /// <summary>Packets up to this size are handled on the thread that pushed them (see OnDatagram).</summary>
    internal const int InlinePacketLimit = 512;

    /// <summary>A packet pushed by the transport, on its receiving thread (ICE's socket thread,
    /// which decrypted it). A small one (a SACK, a control chunk, a short message: what a round
    /// trip waits for) is handled here, unless another thread is running the loop (which then takes
    /// it with its burst); a full one is queued for a pool thread, so that in bulk one core receives
    /// and decrypts while the other runs SCTP (handled inline, bulk fell from ~1,100 to ~630 Mbit/s).</summary>
    void IDatagramSink.OnDatagram(ReadOnlySpan<byte> datagram)
    {
        if (_cts.IsCancellationRequested || !TryTake(datagram, out var packet)) return;
        if (datagram.Length <= InlinePacketLimit) Post(core => core.HandlePacket(packet));
        else PostDeferred(core => core.HandlePacket(packet));
    }

    /// <summary>Counts a received datagram and parses it; one that is not a packet for us (bad
    /// checksum, malformed chunk, another port) is counted, logged at Debug, and its first bytes
    /// kept for <see cref="Describe"/>.</summary>
    private bool TryTake(ReadOnlySpan<byte> datagram, out SctpPacket packet)
    {
        Interlocked.Increment(ref _packetsReceived);
        if (SctpPacket.TryParse(datagram, out packet) && packet.DestinationPort == _options.LocalPort)
        {
            if (SetupTrace.Enabled) SetupTrace.Mark("sctp.in", Chunks(packet));
            return true;
        }
        Interlocked.Increment(ref _packetsDropped);
        SctpLog.DatagramDropped(_logger, datagram.Length, _options.LocalPort);
        _lastDropped = $"{datagram.Length} bytes{(SctpPacket.ChecksumMatches(datagram) ? "" : ", bad checksum")}: {Convert.ToHexString(datagram[..Math.Min(datagram.Length, 64)])}";
        return false;
    }

    /// <summary>The pushing transport closed or failed: as the receive loop's end.</summary>
    void IDatagramSink.OnSourceEnded()
    {
        if (!_cts.IsCancellationRequested) Post(core => core.TransportClosed());
    }

    private async Task EventLoopAsync()
    {
        // Each action applies the user-handler policy itself; this covers what layers above post.
        await foreach (var action in _events.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            SetupTrace.Mark("sctp.event");
            UserHandlers.Run(action, _logger, SctpLog.HandlerThrew, "posted event");
        }
    }

    private static string Chunks(SctpPacket packet) => string.Join(",", packet.Chunks.Select(c => c.Type.ToString()));

    /// <summary>Aborts the association if still open and stops its tasks; idempotent. The transport is not disposed.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (_started == 1 && _state != RTCSctpTransportState.Closed) Abort("disposed");
        if (_started == 1 && Post(StopLoop)) await _loopDone.Task.ConfigureAwait(false);
        _pushSource?.RemoveSink(this);
        await _cts.CancelAsync().ConfigureAwait(false);
        if (_receiveTask is not null) await _receiveTask.ConfigureAwait(false);
        if (_eventTask is not null) await _eventTask.ConfigureAwait(false);
        await _timer.DisposeAsync().ConfigureAwait(false);
        CloseEverything("disposed");
        _cts.Dispose();
    }
}
