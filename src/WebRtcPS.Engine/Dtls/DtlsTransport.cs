using System.Buffers;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using WebRtcPS.Engine.Runtime;
using WebRtcPS.Engine.Transport;
using BcDtlsTransport = Org.BouncyCastle.Tls.DtlsTransport;

namespace WebRtcPS.Engine.Dtls;

/// <summary>
/// DTLS 1.2 over an <see cref="IDatagramTransport"/> (the selected ICE pair), and itself an
/// <see cref="IDatagramTransport"/> for SCTP: one send is one encrypted record, one receive one
/// decrypted record. The engine's counterpart of the W3C <c>RTCDtlsTransport</c>.
/// </summary>
/// <remarks>
/// BouncyCastle's DTLS is blocking, so each transport owns one dedicated thread: it runs the
/// handshake and then, with no gap, the receive loop (BouncyCastle re-sends its final flight only
/// from inside a receive). Over a lower transport that pushes datagrams (ICE), the loop hands
/// over to inline receives at once and the thread ends (DtlsTransport.Inline.cs). Decrypted
/// records are queued for <see cref="ReceiveAsync"/>. Application
/// sends are serialized; BouncyCastle's record layer orders them with its own sends. The lower transport is not disposed with this one.
/// </remarks>
internal sealed partial class DtlsTransport : IDtlsTransport
{
    private readonly DtlsParameters _parameters;
    private readonly ILogger _logger;
    private readonly BlockingDatagramAdapter _adapter;
    private readonly DtlsPeerSession _session;
    private readonly DtlsFailures _failures;
    // Decrypted records in pooled arrays (BouncyCastle decrypts into one directly), returned when
    // read: one allocation and one copy less per record on a bulk receiver.
    // One writer at a time: the DTLS thread, then (inline) whichever thread holds the receive lock.
    private readonly DtlsReceivedRecords _received;
    private readonly IDatagramTransport _lower;
    private readonly TaskCompletionSource _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _threadExit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _lifetime = new();
    private readonly object _stateLock = new();
    // Serializes application sends and close. BouncyCastle's own sends from a receive (retransmitted
    // final flight, close_notify reply, on the DTLS thread or inline under the receive lock) never
    // take it. Lock orders, which cannot invert: send lock -> BouncyCastle's write lock -> the
    // adapter's lock; push source's gate -> receive lock -> BouncyCastle's write lock -> the
    // adapter's lock (see DtlsTransport.Inline.cs). No thread holds two of send lock, receive lock.
    private readonly object _sendLock = new();
    private Task _eventTail = Task.CompletedTask;
    private readonly Task<bool>? _lowerReady;
    private readonly DotNetTlsCrypto _crypto;
    private BcDtlsTransport? _bc;
    private volatile bool _closing;
    private int _receiveBufferSize;

    private DtlsTransport(IDatagramTransport lower, DtlsParameters parameters, Task<bool>? lowerReady)
    {
        _lowerReady = lowerReady;
        _lower = lower;
        _parameters = parameters;
        _received = new DtlsReceivedRecords(parameters.ReceivedCapacity);
        _logger = parameters.Logger ?? NullLogger.Instance;
        _adapter = new BlockingDatagramAdapter(lower, _logger);
        _crypto = new DotNetTlsCrypto();
        _session = new DtlsPeerSession(parameters, _crypto, _logger);
        _failures = new DtlsFailures(_session, _adapter, parameters.HandshakeTimeout);
    }

    /// <summary>Client or server, from <c>a=setup</c>.</summary>
    public DtlsRole Role => _parameters.Role;

    /// <summary>The W3C state.</summary>
    public RTCDtlsTransportState State { get; private set; } = RTCDtlsTransportState.New;

    /// <summary>Raised in order, off the DTLS thread, on every state change. <see cref="StartAsync"/>
    /// returns a connected transport, so a subscriber sees Closed or Failed; the handshake's own
    /// outcome is the result of <see cref="StartAsync"/>. A handler that throws is logged (warning,
    /// event id 3010); the others still run.</summary>
    public event EventHandler<RTCDtlsTransportState>? StateChanged;

    /// <summary>Why the transport failed, when <see cref="State"/> is <see cref="RTCDtlsTransportState.Failed"/>.</summary>
    public DtlsException? Error { get; private set; }

    /// <summary>The peer's certificate (DER) as verified during the handshake.</summary>
    public ReadOnlyMemory<byte> RemoteCertificate => _session.RemoteCertificate;

    /// <summary>sha-256 fingerprint of <see cref="RemoteCertificate"/>.</summary>
    public RTCDtlsFingerprint RemoteFingerprint { get; private set; } = null!;

    /// <summary>Negotiated cipher suite, e.g. <c>TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256</c>.</summary>
    public string CipherSuite { get; private set; } = "";

    /// <summary>Largest plaintext that fits one datagram of the lower transport: its MTU minus the
    /// record header and cipher overhead (37 bytes for AES-GCM).</summary>
    public int MaxDatagramSize { get; private set; }

    /// <summary>Datagrams handed to / taken from the lower transport, and those ignored as not DTLS.</summary>
    public long DatagramsSent => _adapter.DatagramsSent;
    public long DatagramsReceived => _adapter.DatagramsReceived;
    public long DatagramsIgnored => _adapter.DatagramsIgnored;

    /// <summary>Application records BouncyCastle framed as handshake or in epoch 0 while it re-sent
    /// its final flight, held back instead of sent (BlockingDatagramAdapter.Guards.cs).</summary>
    public long MisframedRecordsDropped => _adapter.MisframedRecordsDropped;

    /// <summary>Runs the handshake over <paramref name="lower"/> and returns the connected transport.</summary>
    /// <exception cref="DtlsException">Handshake timeout, fingerprint mismatch, alert, lower failure.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static Task<DtlsTransport> StartAsync(IDatagramTransport lower, DtlsParameters parameters,
        CancellationToken cancellationToken = default) => StartWhenReadyAsync(lower, parameters, null, cancellationToken);

    /// <summary>As <see cref="StartAsync(IDatagramTransport, DtlsParameters, CancellationToken)"/>, made
    /// before <paramref name="lower"/> can carry datagrams: the DTLS thread starts at once and waits
    /// for <paramref name="lowerReady"/>, so the first flight leaves without a thread start in between
    /// (a new thread took 0.3-1.8 ms on a busy machine). False (the path never came) or a fault
    /// ends the start with <see cref="OperationCanceledException"/>; the handshake timeout counts
    /// from true.</summary>
    internal static async Task<DtlsTransport> StartWhenReadyAsync(IDatagramTransport lower, DtlsParameters parameters,
        Task<bool>? lowerReady, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lower);
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.Validate();
        cancellationToken.ThrowIfCancellationRequested();

        var transport = new DtlsTransport(lower, parameters, lowerReady);
        await transport.HandshakeAsync(cancellationToken).ConfigureAwait(false);
        return transport;
    }

    private async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        var thread = new Thread(Run) { IsBackground = true, Name = $"DTLS {Role}" };
        thread.Start();
        if (_lowerReady is { } lowerReady)
        {
            // The thread started the handshake, or waits, meanwhile; the timeout counts from here.
            var ready = await lowerReady.ContinueWith(static t => t.IsCompletedSuccessfully && t.Result, CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
            if (!ready)
            {
                _adapter.Close();   // a handshake started early is blocked in a receive
                await _threadExit.Task.ConfigureAwait(false);
                throw new OperationCanceledException("The path under DTLS never became ready.", cancellationToken);
            }
        }

        // BouncyCastle enforces the handshake timeout itself, unless it started before the path
        // (then this guard is the timeout); otherwise the guard (a little later) also covers a
        // handshake stuck where BouncyCastle does not look at its clock.
        var timedOut = false;
        using var guard = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        guard.CancelAfter(_session.TimedByTransport ? _parameters.HandshakeTimeout : _parameters.HandshakeTimeout + TimeSpan.FromSeconds(2));
        await using (guard.Token.Register(() =>
        {
            timedOut = !cancellationToken.IsCancellationRequested;
            _adapter.Close();
        }).ConfigureAwait(false))
        {
            try
            {
                await _handshake.Task.ConfigureAwait(false);
                return;
            }
            catch (Exception ex)
            {
                await _threadExit.Task.ConfigureAwait(false);
                if (cancellationToken.IsCancellationRequested && !timedOut)
                {
                    Fail(new DtlsException(DtlsError.ProtocolError, "The DTLS handshake was cancelled."));
                    throw new OperationCanceledException("The DTLS handshake was cancelled.", ex, cancellationToken);
                }
                var error = timedOut ? _failures.Timeout(ex) : ex as DtlsException ?? _failures.MapHandshake(ex);
                DtlsLog.HandshakeFailed(_logger, Role, error.Error, error.Message);
                Fail(error);
                throw error;
            }
        }
    }

    // The one DTLS thread: handshake, then the receive loop.
    private void Run()
    {
        try
        {
            if (_lowerReady is { } lowerReady)
            {
                if (!lowerReady.IsCompleted)
                {
                    // While ICE finds a path: the ECDHE key, and the handshake itself. The client's
                    // ClientHello (and the server's first flight, once the ClientHello came on a
                    // proved address) is made now and held by the adapter, which sends it as the
                    // path is published, on ICE's thread: no wake-up of this thread (0.1-0.8 ms
                    // on a loaded machine) and no flight building on the critical path. Meanwhile
                    // BouncyCastle's own timeout is a day (DtlsPeerSession.BouncyCastleTimeoutMillis);
                    // the transport counts the real one from the path.
                    _crypto.PrepareEphemeralKey();
                    _session.TimedByTransport = true;
                    _adapter.HoldUntil(lowerReady);
                }
                else if (!lowerReady.IsCompletedSuccessfully || !lowerReady.Result) return;
            }
            SetupTrace.Mark("dtls.go");
            DtlsLog.HandshakeStarting(_logger, Role, _session.HandshakeTimeoutMillis, _adapter.GetSendLimit());
            SetState(RTCDtlsTransportState.Connecting);
            var stopwatch = Stopwatch.StartNew();
            TlsContext context;
            try
            {
                if (Role == DtlsRole.Client)
                {
                    var client = new WebRtcDtlsClient(_session);
                    _bc = new DtlsClientProtocol().Connect(client, _adapter);
                    context = client.Context;
                }
                else
                {
                    var server = new WebRtcDtlsServer(_session);
                    _bc = new DtlsServerProtocol().Accept(server, _adapter);
                    context = server.Context;
                }
            }
            catch (Exception ex)
            {
                _adapter.Close();
                // Started early and the path never came: HandshakeAsync reports that, not this.
                if (_lowerReady is { IsCompleted: true } r && !(r.IsCompletedSuccessfully && r.Result)) _handshake.TrySetCanceled();
                else _handshake.TrySetException(ex);
                return;
            }
            finally
            {
                _crypto.DiscardPreparedKey();
            }

            MaxDatagramSize = _bc.GetSendLimit();
            // Our plaintext buffer per record: what a peer with an MTU-sized path sends. A larger
            // record gets a larger buffer (BlockingDatagramAdapter.Guards.cs), never a fatal alert.
            _receiveBufferSize = Math.Min(_bc.GetReceiveLimit(), Math.Max(_adapter.GetSendLimit(), 2048));
            _adapter.UseCompactReceiveLimit();
            _adapter.GuardApplicationSends(_sendLock);
            CipherSuite = DtlsFailures.CipherSuiteName(context.SecurityParameters.CipherSuite);
            RemoteFingerprint = RTCDtlsFingerprint.Compute(RTCDtlsFingerprint.DefaultAlgorithm, _session.RemoteCertificate);
            DtlsLog.Connected(_logger, Role, stopwatch.ElapsedMilliseconds, CipherSuite, RemoteFingerprint);
            SetupTrace.Mark("dtls.connected");
            SetState(RTCDtlsTransportState.Connected);
            _handshake.TrySetResult();
            ReceiveLoop(_bc);
        }
        finally
        {
            _crypto.DiscardPreparedKey();
            _threadExit.TrySetResult();
        }
    }

    private void ReceiveLoop(BcDtlsTransport bc)
    {
        byte[]? buffer = null;
        while (true)
        {
            if (TryStartInline(bc))
            {
                if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
                return;
            }
            // Larger once the adapter met a record that did not fit (BlockingDatagramAdapter.Guards.cs).
            var capacity = Math.Max(_receiveBufferSize, _adapter.RequiredCapacity);
            if (buffer is not null && buffer.Length < capacity)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = null;
            }
            buffer ??= ArrayPool<byte>.Shared.Rent(capacity);
            _adapter.PlaintextCapacity = capacity;
            int n;
            try
            {
                n = bc.Receive(buffer, 0, capacity, 0); // 0: no timeout; Close() wakes it
            }
            catch (Exception ex)
            {
                if (_closing || _session.CloseNotifyReceived)
                    break;
                Fail(_failures.Map(ex));
                return;
            }
            if (_session.CloseNotifyReceived || _closing) break;
            if (n < 0)
            {
                if (_adapter.IsClosed) break;
                continue;
            }
            SetupTrace.Mark("dtls.record");
            var record = buffer;
            buffer = null;   // the reader returns it
            if (!_received.TryWrite(record, n))
            {
                try
                {
                    _received.WriteAsync(record, n, _lifetime.Token).AsTask().GetAwaiter().GetResult();
                }
                catch (Exception) when (_lifetime.IsCancellationRequested)
                {
                    break;
                }
            }
        }

        if (_session.CloseNotifyReceived && !_closing)
        {
            _adapter.Close();
            _received.Complete();
            SetState(RTCDtlsTransportState.Closed);
        }
    }

    /// <summary>Encrypts and sends one record (at most 16,384 bytes; keep to
    /// <see cref="MaxDatagramSize"/> to avoid IP fragmentation).</summary>
    public ValueTask SendAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfNotOpen();
        if (datagram.Length > 1 << 14)
            throw new ArgumentOutOfRangeException(nameof(datagram), datagram.Length, "A DTLS record carries at most 16384 bytes.");
        var bc = _bc!;
        try
        {
            lock (_sendLock) bc.Send(datagram.Span);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw SendFailed(ex);
        }
        return ValueTask.CompletedTask;
    }

    // A send BouncyCastle refused: closed if we are closing, else the transport fails with the mapped error.
    private Exception SendFailed(Exception ex)
    {
        if (_closing || _session.CloseNotifyReceived)
            return new ObjectDisposedException(nameof(DtlsTransport), "The DTLS transport is closed.");
        ThrowIfNotOpen();
        var error = _failures.Map(ex);
        Fail(error);
        return error;
    }

    /// <summary>Encrypts every datagram of <paramref name="batch"/> as one record each, in order,
    /// under one acquisition of the send lock, and hands the records to the lower transport as one
    /// batch (one socket call per run of equal-sized records where the socket segments UDP). The
    /// same failures as <see cref="SendAsync"/>; on one, records already encrypted still go out.</summary>
    public ValueTask SendBatchAsync(DatagramBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfNotOpen();
        for (var i = 0; i < batch.Count; i++)
            if (batch.LengthAt(i) > 1 << 14)
                throw new ArgumentOutOfRangeException(nameof(batch), batch.LengthAt(i), "A DTLS record carries at most 16384 bytes.");
        var bc = _bc!;
        try
        {
            lock (_sendLock)
            {
                _adapter.BeginBatch();
                try
                {
                    for (var i = 0; i < batch.Count; i++) bc.Send(batch[i].Span);
                }
                finally
                {
                    _adapter.EndBatch();
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not ArgumentOutOfRangeException)
        {
            throw SendFailed(ex);
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Waits for the next decrypted record. Throws <see cref="ObjectDisposedException"/>
    /// once closed (by us or by the peer's close_notify) and the queue is drained, or the
    /// <see cref="DtlsException"/> that failed the transport.</summary>
    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _received.ReceiveAsync(buffer, Error, nameof(DtlsTransport), cancellationToken);

    /// <summary>Sends close_notify and closes. Idempotent.</summary>
    public async Task CloseAsync()
    {
        lock (_stateLock)
        {
            if (_closing) return;
            _closing = true;
        }
        if (_bc is not null && State == RTCDtlsTransportState.Connected)
        {
            try
            {
                lock (_sendLock) _bc.Close(); // close_notify, then closes the adapter
            }
            catch (Exception ex)
            {
                DtlsLog.LowerTransportFailed(_logger, ex);
            }
        }
        _adapter.Close();
        _lifetime.Cancel();
        await _threadExit.Task.ConfigureAwait(false);
        DetachInline();
        _received.Complete();
        SetState(RTCDtlsTransportState.Closed);
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync().ConfigureAwait(false);
        await _eventTail.ConfigureAwait(false);
        _lifetime.Dispose();
    }

    private void ThrowIfNotOpen() => DtlsReceivedRecords.ThrowIfNotOpen(State, _closing, Error, nameof(DtlsTransport));

    private void Fail(DtlsException error)
    {
        lock (_stateLock)
        {
            if (State is RTCDtlsTransportState.Closed or RTCDtlsTransportState.Failed) return;
            Error = error;
        }
        if (State == RTCDtlsTransportState.Connected) DtlsLog.ConnectionFailed(_logger, error.Error, error.Message);
        _adapter.Close();
        _received.Complete();
        SetState(RTCDtlsTransportState.Failed);
    }

    private void SetState(RTCDtlsTransportState state)
    {
        lock (_stateLock)
        {
            if (State == state || State is RTCDtlsTransportState.Closed or RTCDtlsTransportState.Failed) return;
            State = state;
            DtlsLog.StateChanged(_logger, state);
            _eventTail = _eventTail.ContinueWith(_ => Raise(state), CancellationToken.None,
                TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }


    private void Raise(RTCDtlsTransportState state) =>
        UserHandlers.Invoke(StateChanged, this, state, _logger, DtlsLog.HandlerThrew, nameof(StateChanged));
}
