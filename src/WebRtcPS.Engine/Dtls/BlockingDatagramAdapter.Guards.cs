using System.Buffers.Binary;
using Org.BouncyCastle.Tls;

namespace WebRtcPS.Engine.Dtls;

/// <summary>
/// Two guards on what passes BouncyCastle after the handshake: application records it frames in
/// the wrong epoch, and peer records larger than the buffer a receive was given.
/// </summary>
/// <remarks>
/// <para><b>Sends.</b> When the peer retransmits its last flight, BouncyCastle (2.x,
/// <c>DtlsReliableHandshake.ResendOutboundFlight</c>) switches its write epoch back to the
/// handshake's epoch 0 to re-send our final flight, on the receiving thread and outside any lock an
/// application send takes, until its Finished switches it forward again (RFC 6347 §4.2.4). An
/// application send in that window goes out as a "handshake" record in epoch 0, i.e. in plaintext.
/// Application sends hold the DTLS transport's send lock and make only application_data records
/// in an epoch past 0 (and close_notify alerts), so a record made under that lock that is anything
/// else is held back: it is counted, never sent, and SCTP retransmits what it carried (RFC 9260
/// §6.3.3), as if the datagram had been lost.</para>
/// <para><b>Receives.</b> BouncyCastle fails the connection (internal_error) when a record's
/// plaintext does not fit the caller's buffer. A record's plaintext is never longer than its body,
/// so the inline path sizes its buffer from the datagram; the blocking path, whose datagram
/// arrives inside BouncyCastle's receive, keeps a datagram with a record body over
/// <see cref="PlaintextCapacity"/>, ends that receive, and is called again with a buffer of
/// <see cref="RequiredCapacity"/>.</para>
/// </remarks>
internal sealed partial class BlockingDatagramAdapter
{
    private object? _applicationSendLock;
    private long _misframedDropped;

    /// <summary>Application records BouncyCastle framed as handshake or in epoch 0 and that were held back.</summary>
    public long MisframedRecordsDropped => Interlocked.Read(ref _misframedDropped);

    /// <summary>From now on (the handshake is done) a record sent by a thread holding
    /// <paramref name="applicationSendLock"/> must be application data past epoch 0, or an alert.</summary>
    public void GuardApplicationSends(object applicationSendLock) => _applicationSendLock = applicationSendLock;

    /// <summary>The plaintext buffer of the blocking receive in progress (0: no limit); set by the
    /// DTLS thread before each receive.</summary>
    public int PlaintextCapacity { get; set; }

    /// <summary>The largest record body seen that did not fit: the next receive's buffer is at
    /// least this large.</summary>
    public int RequiredCapacity { get; private set; }

    /// <summary>True when <paramref name="record"/> (one record, as BouncyCastle sends them) may
    /// leave: anything BouncyCastle sends itself, and an application send's own records.</summary>
    private bool MaySend(ReadOnlySpan<byte> record)
    {
        if (_applicationSendLock is not { } applicationLock || !Monitor.IsEntered(applicationLock)) return true;
        if (IsApplicationRecord(record)) return true;
        Interlocked.Increment(ref _misframedDropped);
        DtlsLog.MisframedRecordDropped(_logger, record.Length > 0 ? record[0] : -1,
            record.Length >= FlightBatcher.RecordHeaderLength ? BinaryPrimitives.ReadUInt16BigEndian(record[3..]) : -1);
        return false;
    }

    /// <summary>An application_data record (23) past epoch 0, or an alert (21: close_notify).</summary>
    internal static bool IsApplicationRecord(ReadOnlySpan<byte> record) =>
        record.Length >= FlightBatcher.RecordHeaderLength
        && (record[0] == 21 || (record[0] == 23 && BinaryPrimitives.ReadUInt16BigEndian(record[3..]) != 0));

    /// <summary>The longest record body in <paramref name="datagram"/> (a record's plaintext is never
    /// longer); a truncated last record counts with what is there.</summary>
    internal static int LargestRecordBody(ReadOnlySpan<byte> datagram)
    {
        var largest = 0;
        while (datagram.Length >= FlightBatcher.RecordHeaderLength)
        {
            var length = BinaryPrimitives.ReadUInt16BigEndian(datagram[11..]);
            var available = Math.Min(length, datagram.Length - FlightBatcher.RecordHeaderLength);
            largest = Math.Max(largest, available);
            datagram = datagram[(FlightBatcher.RecordHeaderLength + available)..];
        }
        return largest;
    }

    /// <summary>Blocking receives: true when every record of <paramref name="datagram"/> fits the
    /// buffer of the receive in progress. Otherwise the datagram is kept for the next read, the
    /// limits are raised, and the caller ends BouncyCastle's receive with <see cref="RetryWithLargerBuffer"/>.</summary>
    private bool FitsReceiveBuffer(ReadOnlySpan<byte> datagram)
    {
        var capacity = PlaintextCapacity;
        if (capacity <= 0) return true;
        var largest = LargestRecordBody(datagram);
        if (largest <= capacity) return true;
        RequiredCapacity = Math.Max(RequiredCapacity, largest);
        _limit = Math.Max(_limit, datagram.Length);
        DtlsLog.LargeRecordReceived(_logger, datagram.Length, largest, capacity);
        return false;
    }

    // BouncyCastle's receive returns -1 without failing only for a bad_record_mac when corrupt
    // records are ignored (ours are): the DTLS thread then reads again with a larger buffer and
    // gets the kept datagram. Nothing is lost.
    private static TlsFatalAlert RetryWithLargerBuffer() => new(AlertDescription.bad_record_mac, "a record larger than the receive buffer");
}
