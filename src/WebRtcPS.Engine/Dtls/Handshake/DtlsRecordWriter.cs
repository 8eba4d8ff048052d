namespace WebRtcPS.Engine.Dtls;

/// <summary>
/// The sending half of the record layer (RFC 6347 §4.1): one sequence number space per epoch
/// (reset to 0 at each epoch, §4.1), plaintext records in epoch 0, AES-GCM from epoch 1. Every
/// record, a retransmitted one too, takes a fresh sequence number (§4.2.4: the peer's replay
/// window would drop a repeated one). Thread-safe: application sends and the handshake's own
/// (retransmissions, alerts) may come from different threads.
/// </summary>
internal sealed class DtlsRecordWriter : IDisposable
{
    private readonly object _lock = new();
    private readonly long[] _nextSequence = new long[2];
    private GcmRecordProtection? _protection;

    /// <summary>The epoch new records are written in: 1 once our ChangeCipherSpec went out.</summary>
    public ushort Epoch { get; private set; }

    /// <summary>Record header version: DTLS 1.2 (a server answering a DTLS 1.0 ClientHello still says 1.2).</summary>
    public ushort Version { get; set; } = DtlsRecordHeader.Dtls12;

    /// <summary>Bytes a record adds to its plaintext in <paramref name="epoch"/>.</summary>
    public static int Overhead(ushort epoch) => DtlsRecordHeader.Size + (epoch == 0 ? 0 : GcmRecordProtection.Overhead);

    /// <summary>Switches to epoch 1 with the write key (after our ChangeCipherSpec, RFC 5246 §7.1).</summary>
    public void StartEpoch1(GcmRecordProtection protection)
    {
        lock (_lock)
        {
            _protection?.Dispose();
            _protection = protection;
            Epoch = 1;
        }
    }

    /// <summary>Writes one record of <paramref name="type"/> in <paramref name="epoch"/> (0, or the
    /// current epoch) into <paramref name="destination"/>; returns its length, or 0 when the epoch's
    /// sequence numbers are used up (2^48: the connection must end, RFC 6347 §4.1).</summary>
    public int Write(DtlsContentType type, ushort epoch, ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        lock (_lock)
        {
            var sequence = _nextSequence[epoch];
            if (sequence > DtlsRecordHeader.MaxSequenceNumber) return 0;
            _nextSequence[epoch] = sequence + 1;
            if (epoch == 0)
            {
                new DtlsRecordHeader(type, Version, 0, sequence, plaintext.Length).Write(destination);
                plaintext.CopyTo(destination[DtlsRecordHeader.Size..]);
                return DtlsRecordHeader.Size + plaintext.Length;
            }
            if (_protection is null) throw new InvalidOperationException("Epoch 1 has no keys yet.");
            return _protection.Seal(type, Version, epoch, sequence, plaintext, destination);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _protection?.Dispose();
            _protection = null;
        }
    }
}
