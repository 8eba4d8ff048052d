using System.Buffers.Binary;

namespace WebRtcPS.Engine.Sctp;

/// <summary>Outgoing SSN Reset Request (RFC 6525 §4.1): "I will reset these outgoing streams
/// once you have everything up to <see cref="SenderLastTsn"/>". An empty list means all streams.</summary>
/// <remarks><code>
///  0                   1                   2                   3
/// | Parameter Type = 13           | Parameter Length = 16 + 2 * N |
/// |           Re-configuration Request Sequence Number            |
/// |           Re-configuration Response Sequence Number           |
/// |                Sender's Last Assigned TSN                     |
/// |  Stream Number 1 (optional)   |    Stream Number 2 (optional) |  ... padding
/// </code></remarks>
internal sealed record OutgoingSsnResetRequestParameter(uint RequestSequence, uint ResponseSequence, uint SenderLastTsn, ushort[] Streams)
    : ISctpParameter
{
    public ushort Type => ParameterType.OutgoingSsnResetRequest;
    public int EncodedLength => 16 + 2 * Streams.Length;

    public static bool TryParse(ReadOnlySpan<byte> element, out OutgoingSsnResetRequestParameter parameter)
    {
        parameter = null!;
        if (!WireParameter.TryRead(element, ParameterType.OutgoingSsnResetRequest, 12, out var v) || (v.Length - 12) % 2 != 0) return false;
        var streams = new ushort[(v.Length - 12) / 2];
        for (var i = 0; i < streams.Length; i++) streams[i] = BinaryPrimitives.ReadUInt16BigEndian(v[(12 + 2 * i)..]);
        parameter = new OutgoingSsnResetRequestParameter(
            BinaryPrimitives.ReadUInt32BigEndian(v), BinaryPrimitives.ReadUInt32BigEndian(v[4..]),
            BinaryPrimitives.ReadUInt32BigEndian(v[8..]), streams);
        return true;
    }

    public int Write(Span<byte> destination)
    {
        Wire.WriteTlvHeader(destination, Type, EncodedLength);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], RequestSequence);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], ResponseSequence);
        BinaryPrimitives.WriteUInt32BigEndian(destination[12..], SenderLastTsn);
        for (var i = 0; i < Streams.Length; i++) BinaryPrimitives.WriteUInt16BigEndian(destination[(16 + 2 * i)..], Streams[i]);
        return EncodedLength;
    }
}
