using System.Buffers.Binary;

namespace WebRtcPS.Engine.Sctp;

/// <summary>Incoming SSN Reset Request (RFC 6525 §4.2): asks the peer to reset its outgoing
/// streams (our incoming ones). An empty list means all streams.</summary>
/// <remarks><code>
/// | Parameter Type = 14           | Parameter Length = 8 + 2 * N  |
/// |          Re-configuration Request Sequence Number             |
/// |  Stream Number 1 (optional)   |    Stream Number 2 (optional) |  ... padding
/// </code></remarks>
internal sealed record IncomingSsnResetRequestParameter(uint RequestSequence, ushort[] Streams) : ISctpParameter
{
    public ushort Type => ParameterType.IncomingSsnResetRequest;
    public int EncodedLength => 8 + 2 * Streams.Length;

    public static bool TryParse(ReadOnlySpan<byte> element, out IncomingSsnResetRequestParameter parameter)
    {
        parameter = null!;
        if (!WireParameter.TryRead(element, ParameterType.IncomingSsnResetRequest, 4, out var v) || (v.Length - 4) % 2 != 0) return false;
        var streams = new ushort[(v.Length - 4) / 2];
        for (var i = 0; i < streams.Length; i++) streams[i] = BinaryPrimitives.ReadUInt16BigEndian(v[(4 + 2 * i)..]);
        parameter = new IncomingSsnResetRequestParameter(BinaryPrimitives.ReadUInt32BigEndian(v), streams);
        return true;
    }

    public int Write(Span<byte> destination)
    {
        Wire.WriteTlvHeader(destination, Type, EncodedLength);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], RequestSequence);
        for (var i = 0; i < Streams.Length; i++) BinaryPrimitives.WriteUInt16BigEndian(destination[(8 + 2 * i)..], Streams[i]);
        return EncodedLength;
    }
}
