using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Org.BouncyCastle.Tls;
using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Engine.Dtls;

/// <summary>
/// BouncyCastle's blocking <see cref="DatagramTransport"/> over our async <see cref="IDatagramTransport"/>.
/// </summary>
/// <remarks>
/// An async pump reads the lower transport and queues DTLS datagrams (first byte 20..63, RFC 7983)
/// on a bounded channel; <see cref="Receive(Span{byte}, int)"/>, called only from the one DTLS
/// thread, blocks on it and returns -1 on timeout, as BouncyCastle expects. Sends are serialized
/// and pass through a <see cref="FlightBatcher"/>. <see cref="Close"/> (called by BouncyCastle
/// after close_notify, or by us) completes the queue so a blocked receive throws and the DTLS
/// thread unwinds; the lower transport itself is not disposed: its owner does that.
/// </remarks>
internal sealed class BlockingDatagramAdapter : DatagramTransport, IDisposable
{
    /// <summary>Largest datagram accepted from the peer: a full 2^14 record plus expansion, so a
    /// peer with a larger MTU than ours (openssl on loopback) still gets through.</summary>
    internal const int ReceiveLimit = (1 << 14) + 512;

    private const int InboundCapacity = 1024;

    private readonly IDatagramTransport _lower;
    private readonly ILogger _logger;
    private readonly Channel<byte[]> _inbound = Channel.CreateBounded<byte[]>(
        new BoundedChannelOptions(InboundCapacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly CancellationTokenSource _cts = new();
    private readonly object _sendLock = new();
    private readonly FlightBatcher _batcher;
    private readonly byte[] _sendBuffer;
    private Task<bool>? _pendingWait;
    private Task _pump = Task.CompletedTask;
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

    public void Start() => _pump = Task.Run(PumpAsync);

    private async Task PumpAsync()
    {
        var buffer = new byte[ReceiveLimit + 1];
        Exception? failure = null;
        try
        {
            while (!_cts.IsCancellationRequested)
            {
                var n = await _lower.ReceiveAsync(buffer, _cts.Token).ConfigureAwait(false);
                // RFC 7983: DTLS records start with 20..63; anything else (STUN, RTP) is not ours.
                if (n < FlightBatcher.RecordHeaderLength || buffer[0] < 20 || buffer[0] > 63 || n > ReceiveLimit
                    || !DtlsRecordFilter.IsAcceptable(buffer.AsSpan(0, n)))
                {
                    Interlocked.Increment(ref _ignored);
                    DtlsLog.DatagramIgnored(_logger, n, n > 0 ? buffer[0] : -1);
                    continue;
                }
                Interlocked.Increment(ref _received);
                await _inbound.Writer.WriteAsync(buffer.AsSpan(0, n).ToArray(), _cts.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
        }
        catch (ChannelClosedException)
        {
        }
        catch (Exception ex)
        {
            failure = ex;
            LowerFailure = ex;
            DtlsLog.LowerTransportFailed(_logger, ex);
        }
        finally
        {
            _inbound.Writer.TryComplete(failure is null ? null : new IOException("The transport under DTLS failed.", failure));
        }
    }

    public int GetReceiveLimit() => ReceiveLimit;

    public int GetSendLimit() => _lower.MaxDatagramSize;

    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    public int Receive(Span<byte> buffer, int waitMillis)
    {
        // BouncyCastle always reads after sending a flight: the flight is complete.
        lock (_sendLock) _batcher.Flush(SendDatagram);

        if (!_inbound.Reader.TryRead(out var datagram))
        {
            _pendingWait ??= _inbound.Reader.WaitToReadAsync().AsTask();
            try
            {
                if (!_pendingWait.Wait(waitMillis <= 0 ? Timeout.Infinite : waitMillis)) return -1;
            }
            catch (AggregateException ex)
            {
                _pendingWait = null;
                throw new IOException("The transport under DTLS failed.", ex.InnerException);
            }
            var more = _pendingWait.Result;
            _pendingWait = null;
            if (!more || !_inbound.Reader.TryRead(out datagram))
            {
                if (_closed || !more) throw new IOException("The DTLS transport is closed.");
                return -1;
            }
        }
        var n = Math.Min(datagram.Length, buffer.Length);
        datagram.AsSpan(0, n).CopyTo(buffer);
        return n;
    }

    public void Send(byte[] buf, int off, int len) => Send(buf.AsSpan(off, len));

    public void Send(ReadOnlySpan<byte> buffer)
    {
        lock (_sendLock) _batcher.Add(buffer, SendDatagram);
    }

    /// <summary>Runs <paramref name="action"/> under the send lock (serializes record encryption with
    /// BouncyCastle's own sends from the receive thread).</summary>
    public void Serialize(Action action)
    {
        lock (_sendLock) action();
    }

    // Called under _sendLock.
    private void SendDatagram(ReadOnlySpan<byte> datagram)
    {
        if (_closed && LowerFailure is not null) throw new IOException("The transport under DTLS failed.", LowerFailure);
        datagram.CopyTo(_sendBuffer);
        var pending = _lower.SendAsync(_sendBuffer.AsMemory(0, datagram.Length), CancellationToken.None);
        if (pending.IsCompletedSuccessfully) pending.GetAwaiter().GetResult();
        else pending.AsTask().GetAwaiter().GetResult();
        Interlocked.Increment(ref _sent);
    }

    /// <summary>Stops the pump and wakes a blocked receive. Idempotent; BouncyCastle calls it after
    /// sending close_notify.</summary>
    public void Close()
    {
        if (_closed) return;
        _closed = true;
        lock (_sendLock)
        {
            try { _batcher.Flush(SendDatagram); } catch (Exception) { /* best effort on close */ }
        }
        _cts.Cancel();
        _inbound.Writer.TryComplete();
    }

    /// <summary>Waits for the pump to end.</summary>
    public Task Completion => _pump;

    public void Dispose() => Close();
}
