using System.Buffers;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WebRtcPS.Engine.Runtime;
using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Engine.Dtls;

/// <summary>
/// Our own DTLS (<see cref="DtlsConnection"/>) over an <see cref="IDatagramTransport"/>, itself an
/// <see cref="IDtlsTransport"/> for SCTP. Event-driven: no thread of its own. Datagrams are
/// handled on the thread that receives them (ICE's socket thread when the lower transport pushes,
/// else one receive loop), the retransmission timer on the pool, and application records are
/// encrypted on the sender's thread.
/// </summary>
/// <remarks>
/// One lock (<c>_gate</c>) serializes the connection's handshake and receive side; sends take only
/// the record writer's own lock, so a bulk sender and receiver do not wait for each other. No user
/// code runs under the lock: state events are queued.
/// </remarks>
internal sealed class DtlsConnectionTransport : IDtlsTransport, IDatagramSink, IDatagramPushSource
{
    private readonly IDatagramTransport _lower;
    private readonly DtlsParameters _parameters;
    private readonly ILogger _logger;
    private readonly DtlsConnection _connection;
    private readonly object _gate = new();
    private readonly DtlsReceivedRecords _received;
    // Completed outside _gate only (SettleHandshake), and its awaiter runs on the completing thread:
    // the peer connection starts SCTP right there, on the thread that took the peer's last flight,
    // which then reads the records already queued behind it (the peer's INIT) without a hop.
    private readonly TaskCompletionSource _handshake = new();
    private bool _handshakeConnected;   // under _gate: settled once the lock is released
    private DtlsException? _handshakeFailure;   // under _gate: likewise
    private int _earlySend;   // 1 once the client could send early (or was connected), 2 once EarlySend was called
    // While a received handshake datagram is handled: what that thread sends is held and leaves
    // packed into one datagram when the first application record joins it (or the handling ends),
    // so the peer takes both in one wake-up. A server holds flight 6 for the first SCTP packet its
    // connect sets off (the INIT-ACK to an INIT sent on False Start): the client needs both before
    // it can go on, so holding the Finished until the record is made costs it nothing. A client
    // holds flight 5 for the INIT that EarlySend's handler sends on this thread (an association
    // made ahead, Created, only starts there: tens of µs), so the server reads the INIT with the
    // flight instead of after its own crypto, when it has started SCTP and sent an INIT of its own.
    private int _corkThread;
    private List<byte[]>? _corked;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Task<bool>? _lowerReady;
    private readonly Timer _timer;
    private long _armedDue = long.MaxValue;   // the deadline _timer is set for (under _gate)
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private List<byte[]>? _held = [];   // datagrams made before the path was ready; null once sent
    private IDatagramPushSource? _pushSource;
    private Task _receiveLoop = Task.CompletedTask;
    private Task _eventTail = Task.CompletedTask;
    private DatagramBatch? _spareBatch;
    private IReadOnlyList<RTCDtlsFingerprint>? _expected;
    private long _recordsDropped;
    private volatile bool _closing;

    private DtlsConnectionTransport(IDatagramTransport lower, DtlsParameters parameters, Task<bool>? lowerReady)
    {
        _lower = lower;
        _parameters = parameters;
        _lowerReady = lowerReady;
        _logger = parameters.Logger ?? NullLogger.Instance;
        _expected = parameters.RemoteFingerprintsLater is null ? parameters.RemoteFingerprints : null;
        _received = new DtlsReceivedRecords(parameters.ReceivedCapacity);
        _connection = new DtlsConnection(new DtlsConnectionOptions
        {
            Role = parameters.Role,
            Certificate = parameters.Certificate,
            VerifyPeer = VerifyPeer,
            MaxDatagramSize = Math.Max(lower.MaxDatagramSize, 256),
        }, SendHandshakeDatagram, Deliver);
        _timer = new Timer(static s => ((DtlsConnectionTransport)s!).OnTimer(), this, Timeout.Infinite, Timeout.Infinite);
    }

    public DtlsRole Role => _parameters.Role;
    public RTCDtlsTransportState State { get; private set; } = RTCDtlsTransportState.New;
    public event EventHandler<RTCDtlsTransportState>? StateChanged;
    public DtlsException? Error { get; private set; }
    public ReadOnlyMemory<byte> RemoteCertificate => _connection.RemoteCertificate;
    public RTCDtlsFingerprint RemoteFingerprint { get; private set; } = null!;
    public string CipherSuite => _connection.CipherSuite?.Name ?? "";
    public int MaxDatagramSize => _connection.MaxApplicationData;
    public long DatagramsSent => _connection.DatagramsSent;
    public long DatagramsReceived => _connection.DatagramsReceived;

    /// <summary>Records dropped as unreadable (RFC 6347 §4.1.2.7) plus decrypted ones dropped for a full queue.</summary>
    public long RecordsDiscarded => _connection.RecordsDiscarded + Interlocked.Read(ref _recordsDropped);

    /// <summary>Flights re-sent during the handshake.</summary>
    public long Retransmissions => _connection.Retransmissions;

    /// <summary>As <see cref="DtlsTransport.StartWhenReadyAsync"/>: the handshake starts now (its
    /// first flight is made and held), its datagrams leave when <paramref name="lowerReady"/> says
    /// the path is there, and the timeout counts from then.</summary>
    internal static async Task<DtlsConnectionTransport> StartWhenReadyAsync(IDatagramTransport lower, DtlsParameters parameters,
        Task<bool>? lowerReady, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lower);
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        var transport = new DtlsConnectionTransport(lower, parameters, lowerReady);
        parameters.Created?.Invoke(transport);
        try
        {
            await transport.HandshakeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await transport.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return transport;
    }

    private async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        SetState(RTCDtlsTransportState.Connecting);
        DtlsLog.HandshakeStarting(_logger, Role, (int)_parameters.HandshakeTimeout.TotalMilliseconds, _lower.MaxDatagramSize);
        if (_lower is IDatagramPushSource source && source.TrySetSink(this)) _pushSource = source;
        else _receiveLoop = Task.Run(ReceiveLoopAsync, CancellationToken.None);
        lock (_gate)
        {
            _connection.Start(Now);
            AfterConnectionCall();
        }
        SettleHandshake();
        if (_parameters.RemoteFingerprintsLater is { } later) _ = AwaitFingerprintsAsync(later);

        if (_lowerReady is { } lowerReady)
        {
            var ready = await lowerReady.ContinueWith(static t => t.IsCompletedSuccessfully && t.Result, CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
            if (!ready) throw new OperationCanceledException("The path under DTLS never became ready.", cancellationToken);
        }
        SetupTrace.Mark("dtls.go");
        ReleaseHeld();

        var stopwatch = Stopwatch.StartNew();
        using var guard = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        guard.CancelAfter(_parameters.HandshakeTimeout);
        try
        {
            await _handshake.Task.WaitAsync(guard.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!_handshake.Task.IsCompleted)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                FailWith(new DtlsException(DtlsError.ProtocolError, "The DTLS handshake was cancelled."));
                throw new OperationCanceledException("The DTLS handshake was cancelled.", cancellationToken);
            }
            var timeout = new DtlsException(DtlsError.HandshakeTimeout,
                $"No DTLS handshake as {Role} within {_parameters.HandshakeTimeout.TotalSeconds:0.#} s: " +
                $"{_connection.DatagramsSent} datagrams sent, {_connection.DatagramsReceived} DTLS datagrams received" +
                (_connection.DatagramsReceived == 0 ? " (the peer is silent or unreachable)." : "."));
            FailWith(timeout);
            throw timeout;
        }
        catch (DtlsException error)
        {
            DtlsLog.HandshakeFailed(_logger, Role, error.Error, error.Message);
            throw;
        }
        DtlsLog.Connected(_logger, Role, stopwatch.ElapsedMilliseconds, CipherSuite, RemoteFingerprint);
    }

    private long Now => _clock.ElapsedMilliseconds;

    private DtlsPeerCheck VerifyPeer(byte[] certificate)
    {
        var expected = Volatile.Read(ref _expected);
        if (expected is null) return DtlsPeerCheck.Later;
        return Check(expected, certificate);
    }

    private DtlsPeerCheck Check(IReadOnlyList<RTCDtlsFingerprint> expected, byte[] certificate)
    {
        if (FingerprintVerifier.Matches(expected, certificate, out var actual)) return DtlsPeerCheck.Accepted;
        DtlsLog.FingerprintMismatch(_logger, string.Join(", ", expected), string.Join(", ", actual));
        var failure = DtlsException.FingerprintMismatch(Role, expected, actual);
        return DtlsPeerCheck.Rejected(new DtlsException(failure.Error, failure.Message)
        {
            Alert = TlsAlertDescription.BadCertificate,
            ExpectedFingerprints = failure.ExpectedFingerprints,
            ActualFingerprints = failure.ActualFingerprints,
        });
    }

    // A server started before the answer: the fingerprints come with it.
    private async Task AwaitFingerprintsAsync(Task<IReadOnlyList<RTCDtlsFingerprint>> later)
    {
        IReadOnlyList<RTCDtlsFingerprint> fingerprints;
        try
        {
            fingerprints = await later.ConfigureAwait(false);
        }
        catch (Exception)
        {
            return;   // cancelled: the answer made us the client, or the connection closed
        }
        if (!FingerprintVerifier.HasSupported(fingerprints))
            fingerprints = [];
        Volatile.Write(ref _expected, fingerprints);
        lock (_gate)
        {
            if (!_connection.AwaitingPeerVerdict || _connection.RemoteCertificate is not { } certificate) return;
            var check = fingerprints.Count == 0
                ? DtlsPeerCheck.Rejected(new DtlsException(DtlsError.ProtocolError, "The peer's certificate came, but no fingerprint to check it against (no answer)."))
                : Check(fingerprints, certificate);
            _connection.SetPeerVerdict(check.Failure, Now);
            AfterConnectionCall();
        }
        SettleHandshake();
    }

    // Receives for a lower transport that cannot push.
    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[Math.Max(_lower.MaxDatagramSize, 2048) + 16 * 1024];
        while (!_lifetime.IsCancellationRequested)
        {
            int n;
            try
            {
                n = await _lower.ReceiveAsync(buffer, _lifetime.Token).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                if (!_closing && !_lifetime.IsCancellationRequested)
                {
                    FailWith(new DtlsException(DtlsError.TransportClosed, "The transport under DTLS failed: " + ex.Message, ex));
                }
                return;
            }
            ((IDatagramSink)this).OnDatagram(buffer.AsSpan(0, n));
        }
    }

    void IDatagramSink.OnDatagram(ReadOnlySpan<byte> datagram)
    {
        if (_closing || datagram.IsEmpty || datagram[0] is < 20 or > 63) return;   // RFC 7983: DTLS is 20-63
        var cork = State == RTCDtlsTransportState.Connecting && Volatile.Read(ref _corkThread) == 0;
        if (cork)
        {
            _corked = [];
            Volatile.Write(ref _corkThread, Environment.CurrentManagedThreadId);
        }
        try
        {
            lock (_gate)
            {
                if (_closing) return;
                _connection.OnDatagram(datagram, Now);
                AfterConnectionCall();
            }
            SettleHandshake();
            _received.Push();   // SCTP, when it takes records pushed (inside the cork: its answer joins the flight)
        }
        finally
        {
            if (cork) Uncork();
        }
    }

    /// <summary>True (and <paramref name="datagram"/> kept) when this thread is corked.</summary>
    private bool TryCork(ReadOnlySpan<byte> datagram)
    {
        if (Volatile.Read(ref _corkThread) != Environment.CurrentManagedThreadId || _corked is not { } corked) return false;
        corked.Add(datagram.ToArray());
        return true;
    }

    private void Uncork()
    {
        if (Volatile.Read(ref _corkThread) != Environment.CurrentManagedThreadId || _corked is not { } corked) return;
        _corked = null;
        Volatile.Write(ref _corkThread, 0);
        var limit = Math.Max(_lower.MaxDatagramSize, 256);
        for (var i = 0; i < corked.Count;)
        {
            // Whole datagrams (each a run of complete records) back to back, up to the path's size.
            var length = corked[i].Length;
            var j = i + 1;
            while (j < corked.Count && length + corked[j].Length <= limit) length += corked[j++].Length;
            if (j == i + 1)
            {
                SendToLower(corked[i]);
            }
            else
            {
                var packed = new byte[length];
                var at = 0;
                for (var k = i; k < j; k++)
                {
                    corked[k].CopyTo(packed, at);
                    at += corked[k].Length;
                }
                SendToLower(packed);
            }
            i = j;
        }
    }

    private void OnTimer()
    {
        lock (_gate)
        {
            if (_closing) return;
            _armedDue = long.MaxValue;   // a one-shot timer that fired is armed no more (it may have fired early)
            _connection.OnTimer(Now);
            AfterConnectionCall();
        }
        SettleHandshake();
    }

    // Under _gate, after every call into the connection: the timer, and what the call changed.
    private void AfterConnectionCall()
    {
        // Before the path is ready nothing leaves, so no flight is re-sent either (ReleaseHeld arms it).
        // Closing stopped the timer (and disposal may have disposed it): leave it alone then.
        var due = _connection.NextTimeout;
        if (!_closing)
        {
            // Re-armed only when the deadline moved: after the handshake every received record
            // comes through here, and the deadline stays "none".
            var wanted = _held is null ? due : long.MaxValue;
            if (wanted != _armedDue)
            {
                _armedDue = wanted;
                _timer.Change(wanted == long.MaxValue ? Timeout.Infinite : Math.Max(0, wanted - Now), Timeout.Infinite);
            }
        }

        if (_earlySend == 0 && _held is null && _connection.CanSendEarly) _earlySend = 1;
        switch (_connection.State)
        {
            case DtlsConnectionState.Connected when !_handshake.Task.IsCompleted:
                RemoteFingerprint = RTCDtlsFingerprint.Compute(RTCDtlsFingerprint.DefaultAlgorithm, _connection.RemoteCertificate);
                SetupTrace.Mark("dtls.connected");
                SetState(RTCDtlsTransportState.Connected);
                _handshakeConnected = true;
                break;
            case DtlsConnectionState.Failed when State is not RTCDtlsTransportState.Failed:
                var error = _connection.Error ?? new DtlsException(DtlsError.ProtocolError, "DTLS failed.");
                if (State == RTCDtlsTransportState.Connected) DtlsLog.ConnectionFailed(_logger, error.Error, error.Message);
                FailWith(error);
                break;
            case DtlsConnectionState.Closed when !_closing && _connection.CloseNotifyReceived && State == RTCDtlsTransportState.Connected:
                _received.Complete();
                SetState(RTCDtlsTransportState.Closed);
                break;
        }
    }

    // The connection's handshake datagrams (and alerts): held until the path is ready.
    private void SendHandshakeDatagram(ReadOnlySpan<byte> datagram)
    {
        var copy = datagram.ToArray();
        lock (_gate)
        {
            if (_held is not null)
            {
                _held.Add(copy);
                return;
            }
        }
        SendToLower(copy);
    }

    private void ReleaseHeld()
    {
        List<byte[]>? held;
        lock (_gate)
        {
            held = _held;
            _held = null;
            _connection.RestartTimer(Now);   // the held flight leaves now: its timer counts from now
            AfterConnectionCall();
        }
        SettleHandshake();
        if (held is null) return;
        foreach (var datagram in held) SendToLower(datagram);
    }

    private void SendToLower(byte[] datagram)
    {
        if (TryCork(datagram)) return;
        try
        {
            var send = _lower.SendAsync(datagram);
            if (!send.IsCompletedSuccessfully) _ = ObserveAsync(send);
        }
        catch (Exception ex)
        {
            DtlsLog.LowerTransportFailed(_logger, ex);
        }
    }

    private async Task ObserveAsync(ValueTask send)
    {
        try
        {
            await send.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            DtlsLog.LowerTransportFailed(_logger, ex);
        }
    }

    // A decrypted application record, in a pooled buffer the queue keeps: no copy on the way to
    // ReceiveAsync. Dropped when the queue is full (SCTP retransmits, RFC 9260 §6.3.3). Under _gate.
    private bool Deliver(byte[] buffer, int length)
    {
        SetupTrace.Mark("dtls.record");
        if (_received.TryWrite(buffer, length)) return true;
        Interlocked.Increment(ref _recordsDropped);
        DtlsLog.RecordDropped(_logger, length);
        return false;
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfNotOpen();
        if (datagram.Length > 1 << 14)
            throw new ArgumentOutOfRangeException(nameof(datagram), datagram.Length, "A DTLS record carries at most 16384 bytes.");
        var record = ArrayPool<byte>.Shared.Rent(datagram.Length + DtlsRecordWriter.Overhead(1));
        int n;
        try
        {
            n = _connection.SealApplicationData(datagram.Span, record);
        }
        catch (Exception ex) when (ex is InvalidOperationException or DtlsException)
        {
            ArrayPool<byte>.Shared.Return(record);
            ThrowIfNotOpen();
            throw;
        }
        if (TryCork(record.AsSpan(0, n)))
        {
            ArrayPool<byte>.Shared.Return(record);
            Uncork();
            return ValueTask.CompletedTask;
        }
        var send = _lower.SendAsync(record.AsMemory(0, n), cancellationToken);
        if (send.IsCompletedSuccessfully)
        {
            ArrayPool<byte>.Shared.Return(record);
            return ValueTask.CompletedTask;
        }
        return AwaitSendAsync(send, record);
    }

    private static async ValueTask AwaitSendAsync(ValueTask send, byte[] record)
    {
        try
        {
            await send.ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(record);
        }
    }

    /// <summary>Encrypts every datagram of <paramref name="batch"/> into one record each and hands
    /// the records to the lower transport as one batch.</summary>
    public async ValueTask SendBatchAsync(DatagramBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfNotOpen();
        for (var i = 0; i < batch.Count; i++)
            if (batch.LengthAt(i) > 1 << 14)
                throw new ArgumentOutOfRangeException(nameof(batch), batch.LengthAt(i), "A DTLS record carries at most 16384 bytes.");
        var records = Interlocked.Exchange(ref _spareBatch, null) ?? new DatagramBatch();
        try
        {
            for (var i = 0; i < batch.Count; i++)
            {
                var plaintext = batch[i].Span;
                var room = records.Reserve(plaintext.Length + DtlsRecordWriter.Overhead(1));
                records.Commit(_connection.SealApplicationData(plaintext, room));
            }
            if (Volatile.Read(ref _corkThread) == Environment.CurrentManagedThreadId && _corked is not null)
            {
                for (var i = 0; i < records.Count; i++) TryCork(records[i].Span);
                Uncork();
                return;
            }
            await _lower.SendBatchAsync(records, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            records.Clear();
            Volatile.Write(ref _spareBatch, records);
        }
    }

    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _received.ReceiveAsync(buffer, Error, nameof(DtlsConnectionTransport), cancellationToken);

    /// <summary>Application records go to <paramref name="sink"/> on the thread that decrypted
    /// them, after it lets the lock go (<see cref="DtlsReceivedRecords.Push"/>).</summary>
    bool IDatagramPushSource.TrySetSink(IDatagramSink sink) => _received.TrySetSink(sink);

    void IDatagramPushSource.RemoveSink(IDatagramSink sink) => _received.RemoveSink(sink);

    public async Task CloseAsync()
    {
        lock (_gate)
        {
            if (_closing) return;
            _closing = true;
            _connection.Close();   // close_notify when connected
            _timer.Change(Timeout.Infinite, Timeout.Infinite);
        }
        _pushSource?.RemoveSink(this);
        _lifetime.Cancel();
        try
        {
            await _receiveLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        _received.Complete();
        _received.Push();
        _handshake.TrySetException(new DtlsException(DtlsError.TransportClosed, "The DTLS transport closed during the handshake."));
        _ = _handshake.Task.Exception;
        SetState(RTCDtlsTransportState.Closed);
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync().ConfigureAwait(false);
        await _eventTail.ConfigureAwait(false);
        await _timer.DisposeAsync().ConfigureAwait(false);
        lock (_gate) _connection.Dispose();
        _lifetime.Dispose();
    }

    private void ThrowIfNotOpen()
    {
        if (State == RTCDtlsTransportState.Connecting && !_closing && _earlySend != 0 && _connection.CanSendEarly) return;   // false start
        DtlsReceivedRecords.ThrowIfNotOpen(State, _closing, Error, nameof(DtlsConnectionTransport));
    }

    private void FailWith(DtlsException error)
    {
        lock (_gate)
        {
            if (State is RTCDtlsTransportState.Closed or RTCDtlsTransportState.Failed) return;
            Error = error;
            _received.Complete();
            SetState(RTCDtlsTransportState.Failed);
            _handshakeFailure ??= error;
        }
        SettleHandshake();
        if (!Monitor.IsEntered(_gate)) _received.Push();   // else the caller that holds it pushes
    }

    /// <summary>Completes the handshake task with what the connection reached, unless this thread
    /// still holds <see cref="_gate"/> (then the caller that took it settles once it lets go).</summary>
    private void SettleHandshake()
    {
        if (_handshake.Task.IsCompleted && Volatile.Read(ref _earlySend) != 1) return;   // every record after the handshake
        if (Monitor.IsEntered(_gate)) return;
        bool connected;
        DtlsException? failure;
        lock (_gate)
        {
            connected = _handshakeConnected;
            failure = _handshakeFailure;
        }
        // False start first: the caller's SCTP sends its INIT before it learns of the handshake's end.
        if (failure is null && Volatile.Read(ref _earlySend) == 1 && Interlocked.CompareExchange(ref _earlySend, 2, 1) == 1
            && _parameters.EarlySend is { } early)
        {
            early(this);   // the peer connection's: it only completes a task
        }
        if (failure is not null) _handshake.TrySetException(failure);
        else if (connected) _handshake.TrySetResult();
    }

    private void SetState(RTCDtlsTransportState state)
    {
        lock (_gate)
        {
            if (State == state || State is RTCDtlsTransportState.Closed or RTCDtlsTransportState.Failed) return;
            State = state;
            DtlsLog.StateChanged(_logger, state);
            _eventTail = _eventTail.ContinueWith(_ => UserHandlers.Invoke(StateChanged, this, state, _logger, DtlsLog.HandlerThrew, nameof(StateChanged)),
                CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

}
