using System.Buffers;
using WebRtcPS.Engine.Runtime;
using WebRtcPS.Engine.Transport;
using BcDtlsTransport = Org.BouncyCastle.Tls.DtlsTransport;

namespace WebRtcPS.Engine.Dtls;

/// <summary>
/// Inline receive: once the handshake is done, a lower transport that can push datagrams
/// (<see cref="IDatagramPushSource"/>, ICE) hands each one to <see cref="IDatagramSink.OnDatagram"/>
/// on its own receive thread, which decrypts it and queues the plaintext for SCTP. The DTLS thread
/// then ends: a message no longer waits for it to wake (0.1-0.8 ms on a loaded machine).
/// </summary>
/// <remarks>
/// <para>The switch happens on the DTLS thread between two blocking receives, when none of its
/// own is outstanding: records BouncyCastle still holds from the last datagram are drained first,
/// then the push source hands over what it queued meanwhile, in order, and pushes from then on.</para>
/// <para>Everything BouncyCastle did in the blocking loop still happens inside its receive: a
/// retransmitted peer flight makes it re-send our final flight (RFC 6347 §4.2.4), close_notify
/// closes and a fatal alert fails the transport. Nothing here blocks the pushing thread: a full
/// record queue drops the record (counted in <see cref="RecordsDropped"/>; SCTP retransmits it,
/// RFC 9260 §6.3.3), and no user code runs under the receive lock (state events are queued).</para>
/// <para>Lock order: the push source's gate (held while it hands over queued datagrams) -> the
/// receive lock -> BouncyCastle's write lock -> the adapter's lock. The source's gate is never
/// taken under the receive lock: detaching happens after it is released.</para>
/// </remarks>
internal sealed partial class DtlsTransport : IDatagramSink
{
    // Serializes inline receives: a source may push from more than one socket thread.
    private readonly object _receiveLock = new();
    private IDatagramPushSource? _pushSource;
    private bool _inlineRefused;   // DTLS thread only
    private bool _inlineStopped;   // under _receiveLock
    private volatile bool _inline;
    private long _recordsDropped;

    /// <summary>True once received datagrams are decrypted inline on the pushing thread.</summary>
    public bool IsInline => _inline;

    /// <summary>Decrypted records dropped because <see cref="ReceiveAsync"/> fell behind by a full queue.</summary>
    public long RecordsDropped => Interlocked.Read(ref _recordsDropped);

    // On the DTLS thread, between two blocking receives. True: pushes took over; the thread ends.
    private bool TryStartInline(BcDtlsTransport bc)
    {
        if (_inlineRefused || !_parameters.InlineReceive || _lower is not IDatagramPushSource source)
            return false;
        // A blocking receive still waiting on the lower transport would take a datagram push
        // mode never sees; the next record returned clears it.
        if (_adapter.HasPendingReceive || _closing) return false;

        _adapter.EnterPushMode();
        _pushSource = source;
        lock (_receiveLock)
        {
            if (!ReceiveOffered(bc)) return true;   // closed or failed on a queued record
        }
        if (!source.TrySetSink(this))
        {
            _inlineRefused = true;
            _pushSource = null;
            _adapter.LeavePushMode();
            return false;
        }
        _inline = true;
        DtlsLog.InlineReceiveStarted(_logger, Role);
        return true;
    }

    void IDatagramSink.OnDatagram(ReadOnlySpan<byte> datagram)
    {
        bool stopped;
        lock (_receiveLock)
        {
            if (!_inlineStopped && _adapter.Offer(datagram))
                _inlineStopped = !ReceiveOffered(_bc!);
            stopped = _inlineStopped || _closing || State is RTCDtlsTransportState.Closed or RTCDtlsTransportState.Failed;
            _inlineStopped = stopped;
        }
        if (stopped) DetachInline();
    }

    // Under _receiveLock: every record of the offered datagram (and any BouncyCastle still
    // queued) into _received. False once the transport is closed or failed.
    private bool ReceiveOffered(BcDtlsTransport bc)
    {
        if (_closing || State is not RTCDtlsTransportState.Connected)
        {
            _adapter.DiscardOffered();
            return false;
        }
        // A record's plaintext is never longer than the datagram that carried it, so a peer's record
        // larger than an MTU-sized buffer is decrypted, not fatal (BouncyCastle: internal_error).
        var capacity = Math.Max(Math.Max(_receiveBufferSize, _adapter.RequiredCapacity), _adapter.OfferedLength);
        try
        {
            while (true)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(capacity);
                int n;
                try
                {
                    // Receive reads BouncyCastle's queue first, then the offered datagram, and
                    // returns -1 once both are used up; ReceivePending reads the queue only.
                    n = _adapter.HasOffered
                        ? bc.Receive(buffer, 0, capacity, 0)
                        : bc.ReceivePending(buffer, 0, capacity);
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    throw;
                }
                if (n < 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    break;
                }
                SetupTrace.Mark("dtls.record");
                QueueInline(buffer, n);
            }
        }
        catch (Exception ex)
        {
            _adapter.DiscardOffered();
            if (!(_closing || _session.CloseNotifyReceived))
            {
                Fail(_failures.Map(ex));
                return false;
            }
        }
        _adapter.DiscardOffered();
        if (_session.CloseNotifyReceived && !_closing)
        {
            // As the blocking loop: BouncyCastle answered with its own close_notify.
            _adapter.Close();
            _received.Complete();
            SetState(RTCDtlsTransportState.Closed);
            return false;
        }
        return !_closing;
    }

    private void QueueInline(byte[] buffer, int length)
    {
        if (_received.TryWrite(buffer, length)) return;
        ArrayPool<byte>.Shared.Return(buffer);
        Interlocked.Increment(ref _recordsDropped);
        DtlsLog.RecordDropped(_logger, length);
    }

    // Never under _receiveLock: the source's gate comes first in the lock order.
    private void DetachInline() => _pushSource?.RemoveSink(this);
}
