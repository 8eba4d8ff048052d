using Org.BouncyCastle.Tls;

namespace WebRtcPS.Engine.Dtls;

/// <summary>
/// Push mode: after the handshake the lower transport pushes each datagram
/// (<see cref="Transport.IDatagramPushSource"/>) and the DTLS transport hands it to BouncyCastle's
/// receive on the pushing thread. The adapter then never waits: <see cref="Offer"/> parks the
/// datagram as the one BouncyCastle's next read gets, and a read with nothing parked ends the
/// receive at once.
/// </summary>
/// <remarks>
/// BouncyCastle has no "decrypt this datagram" call and its Receive treats a zero wait as
/// "forever" (a timeout only makes it read again), so "nothing more" is told the only way its
/// Receive returns -1 without failing: a bad_record_mac alert from the read, which
/// <c>DtlsTransport.Receive</c> swallows when the peer ignores corrupt records (ours do,
/// RFC 6347 §4.1.2.7). It is thrown only after a datagram yielded no application record (an alert,
/// a retransmitted handshake flight, a replay), since a record returns from Receive first; the
/// datagram's further records wait in BouncyCastle's record queue for <c>ReceivePending</c>.
/// All calls are made under the DTLS transport's receive lock.
/// </remarks>
internal sealed partial class BlockingDatagramAdapter
{
    private volatile bool _pushMode;

    /// <summary>True while a receive started in blocking mode is still outstanding: the datagram
    /// it gets would be lost to push mode, so the switch waits for it.</summary>
    public bool HasPendingReceive => _pendingReceive is not null || _kept > 0;

    /// <summary>From now on <see cref="Receive(Span{byte}, int)"/> returns only offered datagrams.
    /// Called on the DTLS thread, with no receive of its own outstanding.</summary>
    public void EnterPushMode() => _pushMode = true;

    /// <summary>Back to reading the lower transport (the push source refused the sink).</summary>
    public void LeavePushMode() => _pushMode = false;

    /// <summary>Parks <paramref name="datagram"/> for BouncyCastle's next read; false (counted and
    /// logged as ignored) when it is not an acceptable DTLS datagram.</summary>
    public bool Offer(ReadOnlySpan<byte> datagram)
    {
        if (!IsAcceptable(datagram, datagram.Length)) return false;
        datagram.CopyTo(_receiveBuffer);
        _kept = datagram.Length;
        // BouncyCastle sizes its read buffer from this limit: larger than the compact one, it is
        // raised first so the first read takes it (Receive counts it when BouncyCastle takes it).
        _limit = Math.Max(_limit, datagram.Length);
        return true;
    }

    /// <summary>True while an offered datagram waits for BouncyCastle's read.</summary>
    public bool HasOffered => _pushMode && _kept > 0;

    /// <summary>The length of the datagram waiting for BouncyCastle's read, or 0.</summary>
    public int OfferedLength => _pushMode ? _kept : 0;

    /// <summary>Drops a parked datagram that BouncyCastle did not take (it stopped early).</summary>
    public void DiscardOffered() => _kept = 0;

    private static TlsFatalAlert NoPushedDatagram() => new(AlertDescription.bad_record_mac, "no pushed datagram");
}
