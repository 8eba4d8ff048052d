using System.Buffers.Binary;

namespace WebRtcPS.Engine.Dtls;

/// <summary>
/// The DTLS 1.2 record header (RFC 6347 §4.1), 13 bytes:
/// <code>
/// type(1) | version(2) | epoch(2) | sequence_number(6) | length(2)
/// </code>
/// Parsing accepts any version; the caller decides (0xFEFD, or 0xFEFF on the first flight).
/// Length is not checked against 2^14 + 2048 here either: record_overflow is the record
/// protection's and the handshake's business.
/// </summary>
internal readonly record struct DtlsRecordHeader(DtlsContentType Type, ushort Version, ushort Epoch, long SequenceNumber, int Length)
{
    public const int Size = 13;
    public const ushort Dtls12 = 0xFEFD;
    public const ushort Dtls10 = 0xFEFF;
    public const long MaxSequenceNumber = (1L << 48) - 1;

    /// <summary>The 8-byte seq_num of RFC 5246 §6.2.3.3's additional data, which DTLS defines as
    /// epoch(2) || sequence_number(6) (RFC 6347 §4.1.2.1).</summary>
    public ulong EpochAndSequence => ((ulong)Epoch << 48) | ((ulong)SequenceNumber & (ulong)MaxSequenceNumber);

    /// <summary>Reads the first 13 bytes of <paramref name="data"/> (what follows is the fragment
    /// and is not looked at). False if there are fewer, or the content type is not one of ours.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out DtlsRecordHeader header)
    {
        header = default;
        if (data.Length < Size) return false;
        var type = (DtlsContentType)data[0];
        if (type is < DtlsContentType.ChangeCipherSpec or > DtlsContentType.ApplicationData) return false;
        var version = BinaryPrimitives.ReadUInt16BigEndian(data[1..]);
        var epoch = BinaryPrimitives.ReadUInt16BigEndian(data[3..]);
        var sequence = ((long)BinaryPrimitives.ReadUInt16BigEndian(data[5..]) << 32) | BinaryPrimitives.ReadUInt32BigEndian(data[7..]);
        var length = BinaryPrimitives.ReadUInt16BigEndian(data[11..]);
        header = new DtlsRecordHeader(type, version, epoch, sequence, length);
        return true;
    }

    /// <summary>Writes the 13 header bytes. Throws on a sequence number beyond 48 bits or a length
    /// beyond 16 bits: those are our own bugs (RFC 6347 §4.1 forbids wrapping the sequence number).</summary>
    public int Write(Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(SequenceNumber);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(SequenceNumber, MaxSequenceNumber);
        ArgumentOutOfRangeException.ThrowIfNegative(Length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Length, ushort.MaxValue);
        if (destination.Length < Size) throw new ArgumentException("The destination is shorter than a record header.", nameof(destination));
        destination[0] = (byte)Type;
        BinaryPrimitives.WriteUInt16BigEndian(destination[1..], Version);
        BinaryPrimitives.WriteUInt16BigEndian(destination[3..], Epoch);
        BinaryPrimitives.WriteUInt16BigEndian(destination[5..], (ushort)(SequenceNumber >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(destination[7..], (uint)SequenceNumber);
        BinaryPrimitives.WriteUInt16BigEndian(destination[11..], (ushort)Length);
        return Size;
    }
}
