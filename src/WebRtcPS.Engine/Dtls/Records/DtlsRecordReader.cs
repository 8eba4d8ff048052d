namespace WebRtcPS.Engine.Dtls;

/// <summary>
/// Splits one datagram into its records: RFC 6347 §4.1 lets several records share a datagram,
/// but a record never spans two. A header that does not parse, or a length running past the
/// datagram, ends the iteration and the rest of the datagram is dropped, since nothing after it
/// can be framed (RFC 6347 §4.1.2.7: invalid records are discarded silently);
/// <see cref="Malformed"/> then tells the caller, for its counters and logs.
/// </summary>
internal ref struct DtlsRecordReader
{
    private ReadOnlySpan<byte> _remaining;
    private bool _malformed;

    public DtlsRecordReader(ReadOnlySpan<byte> datagram)
    {
        _remaining = datagram;
        _malformed = false;
    }

    /// <summary>True once a record could not be framed and the datagram's tail was dropped.</summary>
    public readonly bool Malformed => _malformed;

    /// <summary>Yields the next record: its header, its fragment (the <c>Length</c> bytes after
    /// the header) and the whole record (header and fragment, e.g. for the handshake transcript or
    /// a retransmission cache). False at the end of the datagram or on malformed framing.</summary>
    public bool TryReadNext(out DtlsRecordHeader header, out ReadOnlySpan<byte> fragment, out ReadOnlySpan<byte> wholeRecord)
    {
        fragment = default;
        wholeRecord = default;
        if (_remaining.IsEmpty)
        {
            header = default;
            return false;
        }
        if (!DtlsRecordHeader.TryParse(_remaining, out header)
            || header.Length > _remaining.Length - DtlsRecordHeader.Size)
        {
            header = default;
            _malformed = true;
            _remaining = default;
            return false;
        }
        var recordLength = DtlsRecordHeader.Size + header.Length;
        wholeRecord = _remaining[..recordLength];
        fragment = wholeRecord[DtlsRecordHeader.Size..];
        _remaining = _remaining[recordLength..];
        return true;
    }
}
