using System.Buffers.Binary;

namespace WebRtcPS.Engine.Dtls;

/// <summary>Receives one outbound datagram.</summary>
internal delegate void DatagramSink(ReadOnlySpan<byte> datagram);

/// <summary>
/// Packs the records of one handshake flight into as few datagrams as the MTU allows.
/// </summary>
/// <remarks>
/// BouncyCastle hands the transport one record per send, so a flight of five handshake messages
/// leaves as five datagrams, and some peers (pion v2.2.6) abort when only one of them is lost
/// (DTLS-NOTES gotcha 1). Epoch-0 handshake (22) and change_cipher_spec (20) records are held
/// back; the batch is flushed when the next record would overflow the MTU, when a flight-ending
/// message is added (ClientHello, HelloVerifyRequest, ServerHelloDone, last fragment), when a record
/// of any other kind or epoch arrives (it joins the batch if it fits: CCS + Finished go together),
/// and on <see cref="Flush"/>, which the transport calls before every receive, since BouncyCastle
/// always reads after sending a flight. DTLS record header (RFC 6347 §4.1):
/// <code>
/// type(1) version(2) epoch(2) sequence_number(6) length(2) | fragment
/// handshake fragment: msg_type(1) length(3) message_seq(2) fragment_offset(3) fragment_length(3) | body
/// </code>
/// </remarks>
internal sealed class FlightBatcher
{
    internal const int RecordHeaderLength = 13;
    private const int HandshakeHeaderLength = 12;
    private const byte ChangeCipherSpec = 20;
    private const byte Handshake = 22;

    private readonly byte[] _buffer;
    private int _length;
    private int _records;

    public FlightBatcher(int mtu)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(mtu, RecordHeaderLength + 1);
        _buffer = new byte[mtu];
    }

    /// <summary>Bytes currently held back.</summary>
    public int Pending => _length;

    /// <summary>Datagrams emitted that carried more than one record.</summary>
    public long CoalescedDatagrams { get; private set; }

    /// <summary>Adds one record; emits zero or more datagrams to <paramref name="sink"/>.</summary>
    public void Add(ReadOnlySpan<byte> record, DatagramSink sink)
    {
        if (!IsEpochZeroHandshakeOrCcs(record))
        {
            if (_length > 0 && _length + record.Length <= _buffer.Length)
            {
                Append(record);
                Flush(sink);
                return;
            }
            Flush(sink);
            sink(record);
            return;
        }

        if (_length + record.Length > _buffer.Length) Flush(sink);
        if (record.Length > _buffer.Length)
        {
            sink(record);
            return;
        }
        Append(record);
        if (EndsFlight(record)) Flush(sink);
    }

    /// <summary>Emits whatever is held back as one datagram.</summary>
    public void Flush(DatagramSink sink)
    {
        if (_length == 0) return;
        if (_records > 1) CoalescedDatagrams++;
        var length = _length;
        _length = 0;
        _records = 0;
        sink(_buffer.AsSpan(0, length));
    }

    private void Append(ReadOnlySpan<byte> record)
    {
        record.CopyTo(_buffer.AsSpan(_length));
        _length += record.Length;
        _records++;
    }

    private static bool IsEpochZeroHandshakeOrCcs(ReadOnlySpan<byte> record) =>
        record.Length >= RecordHeaderLength
        && (record[0] == Handshake || record[0] == ChangeCipherSpec)
        && BinaryPrimitives.ReadUInt16BigEndian(record[3..]) == 0;

    private static bool EndsFlight(ReadOnlySpan<byte> record)
    {
        if (record[0] != Handshake || record.Length < RecordHeaderLength + HandshakeHeaderLength) return false;
        var message = record[RecordHeaderLength..];
        var type = message[0];
        if (type is not (1 or 3 or 14)) return false; // client_hello, hello_verify_request, server_hello_done
        var length = ReadUInt24(message[1..]);
        var offset = ReadUInt24(message[6..]);
        var fragmentLength = ReadUInt24(message[9..]);
        return offset + fragmentLength >= length;
    }

    private static int ReadUInt24(ReadOnlySpan<byte> b) => (b[0] << 16) | (b[1] << 8) | b[2];
}
