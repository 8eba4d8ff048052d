using System.Buffers.Binary;

namespace WebRtcPS.Engine.Sctp;

/// <summary>Result codes of a Re-configuration Response (RFC 6525 §4.4).</summary>
internal enum ReconfigurationResult : uint
{
    SuccessNothingToDo = 0,
    SuccessPerformed = 1,
    Denied = 2,
    ErrorWrongSsn = 3,
    ErrorRequestAlreadyInProgress = 4,
    ErrorBadSequenceNumber = 5,
    InProgress = 6,
}

/// <summary>Re-configuration Response (RFC 6525 §4.4). The two TSN fields are present only in
/// answers to SSN/TSN Reset Requests, and then both.</summary>
/// <remarks><code>
/// | Parameter Type = 16           | Parameter Length (12 or 20)   |
/// |         Re-configuration Response Sequence Number             |
/// |                            Result                             |
/// |                   Sender's Next TSN (optional)                |
/// |                  Receiver's Next TSN (optional)               |
/// </code></remarks>
internal sealed record ReconfigurationResponseParameter(uint ResponseSequence, ReconfigurationResult Result,
    uint? SenderNextTsn = null, uint? ReceiverNextTsn = null) : ISctpParameter
{
    public ushort Type => ParameterType.ReconfigurationResponse;
    public int EncodedLength => SenderNextTsn.HasValue ? 20 : 12;

    public static bool TryParse(ReadOnlySpan<byte> element, out ReconfigurationResponseParameter parameter)
    {
        parameter = null!;
        if (!WireParameter.TryRead(element, ParameterType.ReconfigurationResponse, 8, out var v)) return false;
        if (v.Length != 8 && v.Length != 16) return false;
        uint? sender = null, receiver = null;
        if (v.Length == 16)
        {
            sender = BinaryPrimitives.ReadUInt32BigEndian(v[8..]);
            receiver = BinaryPrimitives.ReadUInt32BigEndian(v[12..]);
        }
        parameter = new ReconfigurationResponseParameter(BinaryPrimitives.ReadUInt32BigEndian(v),
            (ReconfigurationResult)BinaryPrimitives.ReadUInt32BigEndian(v[4..]), sender, receiver);
        return true;
    }

    public int Write(Span<byte> destination)
    {
        Wire.WriteTlvHeader(destination, Type, EncodedLength);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ResponseSequence);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], (uint)Result);
        if (SenderNextTsn.HasValue)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[12..], SenderNextTsn.Value);
            BinaryPrimitives.WriteUInt32BigEndian(destination[16..], ReceiverNextTsn ?? 0);
        }
        return EncodedLength;
    }
}
