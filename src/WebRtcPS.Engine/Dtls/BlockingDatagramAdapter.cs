using Microsoft.Extensions.Logging;
using Org.BouncyCastle.Tls;
using WebRtcPS.Engine.Runtime;
using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Engine.Dtls;

/// <summary>
/// BouncyCastle's blocking <see cref="DatagramTransport"/> over our async <see cref="IDatagramTransport"/>.
/// </summary>
/// <remarks>
/// <see cref="Receive(Span{byte}, int)"/> is called only from the one DTLS thread (in push mode,
/// see BlockingDatagramAdapter.Push.cs, from the pushing thread under one lock). It reads the
/// lower transport itself: a receive that is still pending when BouncyCastle's wait runs out is
/// kept and awaited again by the next call, so a timeout (-1, as BouncyCastle expects) never loses
/// a datagram and no pump thread sits in between. Datagrams that are not DTLS (RFC 7983: first
/// byte 20..63) or that <see cref="DtlsRecordFilter"/> rejects are skipped. Sends pass through a
/// <see cref="FlightBatcher"/> under a lock that must stay innermost: BouncyCastle calls
/// <see cref="Send(ReadOnlySpan{byte})"/> while holding its own record-layer write lock, so no
/// caller may hold this adapter's lock while calling into BouncyCastle. <see cref="Close"/> (called by BouncyCastle
/// after close_notify, or by us) cancels the pending receive so a blocked DTLS thread unwinds; the
/// lower transport itself is not disposed: its owner does that.
/// <para>
/// BouncyCastle allocates a record buffer of <see cref="GetReceiveLimit"/> bytes on every receive
/// call, so once the handshake is done (<see cref="UseCompactReceiveLimit"/>) the limit drops to
/// the path's datagram size and grows on demand: a larger datagram is kept, the limit is raised to
/// its size, and -1 makes BouncyCastle ask again (it reads the limit anew on each try) and get it.
/// Nothing is truncated or lost; only the first larger datagram costs a second call.
/// </para>
/// </remarks>
internal sealed partial class BlockingDatagramAdapter : DatagramTransport, IDisposable
{
    /// <summary>Largest datagram accepted from the peer: a full 2^14 record plus expansion, so a
    /// peer with a larger MTU than ours (openssl on loopback) still gets through.</summary>
    internal const int ReceiveLimit = (1 << 14) + 512;

    private readonly IDatagramTransport _lower;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _cts = new();
    private readonly object _sendLock = new();
    private readonly FlightBatcher _batcher;
    private readonly byte[] _sendBuffer;
    private readonly byte[] _receiveBuffer = new byte[ReceiveLimit + 1];
    private Task<int>? _pendingReceive;
    private readonly Task[] _waitSet = new Task[1]; // the DTLS thread's, for WaitAny
    private readonly DatagramBatch _outgoing = new(2048);
    private bool _batching;   // under _sendLock: records go to _outgoing until EndBatch
    private int _limit = ReceiveLimit;
    private int _kept; // length of a datagram in _receiveBuffer waiting for a larger buffer, or 0
    // Datagrams of a handshake started before its path: sent when the path is ready (HoldUntil). Under _sendLock.
    private List<byte[]>? _held;
    private volatile bool _closed;
    private long _received, _sent, _ignored;

    public BlockingDatagramAdapter(IDatagramTransport lower, ILogger logger)
    {
        _lower = lower;
        _logger = logger;
        _batcher = new FlightBatcher(lower.MaxDatagramSize);
        _sendBuffer = new byte[Math.Max(lower.MaxDatagramSize, ReceiveLimit)];
    }

    public long DatagramsReceived => Interlocked.Read(ref _received);
    public long DatagramsSent => Interlocked.Read(ref _sent);
    public long DatagramsIgnored => Interlocked.Read(ref _ignored);
    public bool IsClosed => _closed;

    /// <summary>Why the lower transport stopped, if it did before we closed.</summary>
    public Exception? LowerFailure { get; private set; }

    public int GetReceiveLimit() => _limit;

    /// <summary>After the handshake: receive limit = the path's datagram size (at least 1280),
    /// raised on demand. Called on the DTLS thread.</summary>
    public void UseCompactReceiveLimit() => _limit = Math.Min(ReceiveLimit, Math.Max(_lower.MaxDatagramSize, 1280));

    public int GetSendLimit() => _lower.MaxDatagramSize;

    /// <summary>For a handshake that starts before the lower transport can carry datagrams: what
    /// BouncyCastle sends is held (its latest flight: a retransmission replaces it) and sent the
    /// moment <paramref name="ready"/> completes true, by the thread that completes it (ICE's, as it
    /// publishes the path), not after the DTLS thread wakes. False drops what is held; the owner
    /// closes the adapter.</summary>
    public void HoldUntil(Task<bool> ready)
    {
        lock (_sendLock) _held = [];
        ready.ContinueWith(static (t, state) => ((BlockingDatagramAdapter)state!).Release(t.IsCompletedSuccessfully && t.Result),
            this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void Release(bool ready)
    {
        lock (_sendLock)
        {
            var held = _held;
            _held = null;
            if (!ready || held is null) return;
            SetupTrace.Mark("dtls.release", held.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            try
            {
                foreach (var datagram in held) SendToLower(datagram);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
            {
                // As a lost flight: BouncyCastle retransmits it, or its thread meets the closed transport.
            }
        }
    }

    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    public int Receive(Span<byte> buffer, int waitMillis)
    {
        // BouncyCastle always reads after sending a flight: the flight is complete. Only this
        // thread leaves records pending (handshake records), so the unlocked check is safe and
        // keeps the receive path off the send lock.
        if (_batcher.Pending > 0)
            lock (_sendLock) _batcher.Flush(SendDatagram);

        if (_kept > 0)
        {
            if (_kept > buffer.Length) return -1;
            var kept = _kept;
            _kept = 0;
            Interlocked.Increment(ref _received);
            _receiveBuffer.AsSpan(0, kept).CopyTo(buffer);
            return kept;
        }
        if (_pushMode) throw _closed ? Closed(null) : NoPushedDatagram();

        var deadline = waitMillis <= 0 ? long.MaxValue : Environment.TickCount64 + waitMillis;
        while (true)
        {
            if (_closed) throw Closed(null);
            var n = -1;
            try
            {
                if (_pendingReceive is null)
                {
                    var pending = _lower.ReceiveAsync(_receiveBuffer, _cts.Token);
                    if (pending.IsCompletedSuccessfully) n = pending.Result;
                    else _pendingReceive = pending.AsTask();
                }
                if (_pendingReceive is not null)
                {
                    var remaining = deadline == long.MaxValue
                        ? Timeout.Infinite
                        : (int)Math.Max(0, deadline - Environment.TickCount64);
                    // WaitAny, not Wait: Wait on a cancelled task (our Close) builds a
                    // TaskCanceledException with a source-line stack trace, which loads the PDB
                    // reader (~3 MiB resident) into every process that closes a connection.
                    _waitSet[0] = _pendingReceive;
                    var ready = Task.WaitAny(_waitSet, remaining);
                    _waitSet[0] = null!;
                    if (ready < 0)
                    {
                        // BouncyCastle resends its flight after this: it replaces the one held.
                        if (_held is not null) lock (_sendLock) _held?.Clear();
                        return -1;
                    }
                    var completed = _pendingReceive;
                    _pendingReceive = null;
                    if (!completed.IsCompletedSuccessfully)
                        throw completed.Exception?.InnerException ?? new OperationCanceledException(_cts.Token);
                    n = completed.Result;
                }
            }
            catch (Exception ex)
            {
                _pendingReceive = null;
                throw Closed(ex is AggregateException { InnerException: { } inner } ? inner : ex);
            }

            var datagram = _receiveBuffer.AsSpan(0, Math.Min(n, ReceiveLimit + 1));
            if (!IsAcceptable(datagram, n))
            {
                if (Environment.TickCount64 >= deadline) return -1;
                continue;
            }
            if (!FitsReceiveBuffer(datagram))
            {
                _kept = n;
                throw RetryWithLargerBuffer();
            }
            if (n > buffer.Length)
            {
                // compact limit: keep it, raise the limit, let BouncyCastle call again with a larger buffer
                _kept = n;
                _limit = Math.Max(_limit, n);
                return -1;
            }
            Interlocked.Increment(ref _received);
            SetupTrace.Mark("dtls.in");
            var length = Math.Min(n, buffer.Length);
            datagram[..length].CopyTo(buffer);
            return length;
        }
    }

    // DTLS (RFC 7983: first byte 20..63), within our size limit and past DtlsRecordFilter; else
    // counted and logged as ignored. n is the datagram's full length (the span may be cut at ReceiveLimit + 1).
    private bool IsAcceptable(ReadOnlySpan<byte> datagram, int n)
    {
        if (n >= FlightBatcher.RecordHeaderLength && datagram[0] is >= 20 and <= 63 && n <= ReceiveLimit
            && DtlsRecordFilter.IsAcceptable(datagram))
            return true;
        Interlocked.Increment(ref _ignored);
        DtlsLog.DatagramIgnored(_logger, n, n > 0 ? datagram[0] : -1);
        return false;
    }

    public void Send(byte[] buf, int off, int len) => Send(buf.AsSpan(off, len));

    public void Send(ReadOnlySpan<byte> buffer)
    {
        if (!MaySend(buffer)) return;   // see BlockingDatagramAdapter.Guards.cs
        lock (_sendLock) _batcher.Add(buffer, SendDatagram);
    }

    /// <summary>From here to <see cref="EndBatch"/>, the records BouncyCastle sends are collected
    /// (a record each, as they would have left) and then handed to the lower transport as one
    /// <see cref="DatagramBatch"/>. The caller holds DtlsTransport's send lock, so only its records
    /// and, rarely, one the DTLS thread sends meanwhile (it joins the batch) are collected.</summary>
    public void BeginBatch()
    {
        lock (_sendLock) _batching = true;
    }

    /// <summary>Sends what was collected since <see cref="BeginBatch"/>.</summary>
    public void EndBatch()
    {
        lock (_sendLock)
        {
            _batching = false;
            if (_outgoing.Count == 0) return;
            try
            {
                ThrowIfLowerFailed();
                WaitSent(_lower.SendBatchAsync(_outgoing, CancellationToken.None));
                Interlocked.Add(ref _sent, _outgoing.Count);
            }
            finally
            {
                _outgoing.Clear();
            }
        }
    }

    // Called under _sendLock.
    private void SendDatagram(ReadOnlySpan<byte> datagram)
    {
        if (_held is { } held)
        {
            held.Add(datagram.ToArray());
            return;
        }
        SendToLower(datagram);
    }

    // Called under _sendLock.
    private void SendToLower(ReadOnlySpan<byte> datagram)
    {
        ThrowIfLowerFailed();
        if (_batching)
        {
            _outgoing.Add(datagram);
            return;
        }
        datagram.CopyTo(_sendBuffer);
        WaitSent(_lower.SendAsync(_sendBuffer.AsMemory(0, datagram.Length), CancellationToken.None));
        Interlocked.Increment(ref _sent);
    }

    private void ThrowIfLowerFailed()
    {
        if (_closed && LowerFailure is not null) throw new IOException("The transport under DTLS failed.", LowerFailure);
    }

    // BouncyCastle's send is blocking: a lower send that did not complete at once is waited for here.
    private static void WaitSent(ValueTask pending)
    {
        if (pending.IsCompletedSuccessfully) pending.GetAwaiter().GetResult();
        else pending.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Cancels the pending receive so a blocked DTLS thread unwinds. Idempotent;
    /// BouncyCastle calls it after sending close_notify.</summary>
    public void Close()
    {
        if (_closed) return;
        _closed = true;
        lock (_sendLock)
        {
            try { _batcher.Flush(SendDatagram); } catch (Exception) { /* best effort on close */ }
        }
        _cts.Cancel();
    }

    public void Dispose() => Close();

    private IOException Closed(Exception? cause)
    {
        if (cause is not null && !_closed && cause is not OperationCanceledException)
        {
            LowerFailure ??= cause;
            DtlsLog.LowerTransportFailed(_logger, cause);
        }
        return _closed || cause is null
            ? new IOException("The DTLS transport is closed.", cause)
            : new IOException("The transport under DTLS failed.", cause);
    }
}
