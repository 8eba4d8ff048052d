using System.Buffers.Binary;

namespace WebRtcPS.Engine.Dtls;

/// <summary>
/// The receive path after the handshake: the lower transport is read by an async loop instead of
/// BouncyCastle's blocking thread, so a datagram is handled on the thread that delivers it (the
/// ICE receive loop: its channel runs continuations synchronously). Epoch-1 application data is
/// opened there by a <see cref="DtlsRecordReader"/> and handed up at once; every other record
/// (alerts such as close_notify, a retransmitted handshake flight that BouncyCastle must answer
/// with its final flight again, records that do not verify) is forwarded to BouncyCastle's thread,
/// whose <see cref="Receive(Span{byte}, int)"/> now waits on that queue. The checks on the
/// datagram are the ones the blocking path makes.
/// </summary>
internal sealed partial class BlockingDatagramAdapter
{
    private readonly object _forwardLock = new();
    private readonly Queue<byte[]> _forwarded = new();
    private volatile bool _handedOver;
    private Exception? _lowerStopped;

    /// <summary>Takes over reading the lower transport (called once, on the DTLS thread, after the
    /// handshake); <paramref name="deliver"/> gets each opened record's plaintext. The returned task
    /// ends when the lower transport stops or <see cref="Close"/> is called.</summary>
    public Task ReceiveInline(DtlsRecordReader reader, Action<byte[]> deliver)
    {
        var pending = _pendingReceive;   // a receive BouncyCastle's wait left running: its datagram is ours now
        _pendingReceive = null;
        var kept = _kept;
        _kept = 0;
        _handedOver = true;
        return PumpAsync(reader, deliver, pending, kept);
    }

    private async Task PumpAsync(DtlsRecordReader reader, Action<byte[]> deliver, Task<int>? pending, int kept)
    {
        try
        {
            if (kept > 0) Accept(kept, reader, deliver);
            while (!_closed)
            {
                int n;
                if (pending is not null)
                {
                    n = await pending.ConfigureAwait(false);
                    pending = null;
                }
                else
                {
                    n = await _lower.ReceiveAsync(_receiveBuffer, _cts.Token).ConfigureAwait(false);
                }
                Accept(n, reader, deliver);
            }
        }
        catch (Exception ex)
        {
            lock (_forwardLock)
            {
                _lowerStopped = ex;
                Monitor.PulseAll(_forwardLock);
            }
        }
        finally
        {
            reader.Dispose();
        }
    }

    private void Accept(int n, DtlsRecordReader reader, Action<byte[]> deliver)
    {
        var datagram = _receiveBuffer.AsSpan(0, Math.Min(n, ReceiveLimit + 1));
        if (n < FlightBatcher.RecordHeaderLength || datagram[0] < 20 || datagram[0] > 63 || n > ReceiveLimit
            || !DtlsRecordFilter.IsAcceptable(datagram))
        {
            Interlocked.Increment(ref _ignored);
            DtlsLog.DatagramIgnored(_logger, n, n > 0 ? datagram[0] : -1);
            return;
        }
        Interlocked.Increment(ref _received);
        while (datagram.Length >= FlightBatcher.RecordHeaderLength)
        {
            var length = FlightBatcher.RecordHeaderLength + BinaryPrimitives.ReadUInt16BigEndian(datagram[11..]);
            if (length > datagram.Length) break;   // malformed framing: BouncyCastle discards it
            var record = datagram[..length];
            switch (reader.Open(record, out var plaintext))
            {
                case DtlsRecordOutcome.Opened:
                    deliver(plaintext!);
                    break;
                case DtlsRecordOutcome.NotOurs:
                    Forward(record);
                    break;
            }
            datagram = datagram[length..];
        }
        if (!datagram.IsEmpty) Forward(datagram);
    }

    private void Forward(ReadOnlySpan<byte> records)
    {
        var copy = records.ToArray();
        lock (_forwardLock)
        {
            _forwarded.Enqueue(copy);
            Monitor.Pulse(_forwardLock);
        }
    }

    /// <summary>BouncyCastle's receive once handed over: the next forwarded datagram, -1 when the
    /// wait runs out (or when a larger buffer is needed: the limit is raised, as on the blocking path).</summary>
    private int ReceiveForwarded(Span<byte> buffer, int waitMillis)
    {
        var deadline = waitMillis <= 0 ? long.MaxValue : Environment.TickCount64 + waitMillis;
        byte[] datagram;
        lock (_forwardLock)
        {
            while (true)
            {
                if (_closed) throw Closed(null);
                if (_forwarded.Count > 0) break;
                if (_lowerStopped is not null) throw Closed(_lowerStopped is AggregateException { InnerException: { } inner } ? inner : _lowerStopped);
                var remaining = deadline == long.MaxValue ? Timeout.Infinite : (int)Math.Max(0, deadline - Environment.TickCount64);
                if (remaining == 0) return -1;
                Monitor.Wait(_forwardLock, remaining);
            }
            datagram = _forwarded.Peek();
            if (datagram.Length > buffer.Length)
            {
                _limit = Math.Max(_limit, datagram.Length);
                return -1;
            }
            _forwarded.Dequeue();
        }
        datagram.CopyTo(buffer);
        return datagram.Length;
    }

    private void WakeForwardedReader()
    {
        lock (_forwardLock) Monitor.PulseAll(_forwardLock);
    }
}
