using System.Buffers.Binary;

namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>
/// CHANGE-REQUEST (RFC 5780 §7.2): asks the server to answer from its alternate IP address (A),
/// its alternate port (B), or both; the NAT behaviour tests' filtering probes. Comprehension-
/// required, so a server without RFC 5780 answers 420 (Unknown Attribute). 32 bits:
/// <code>
///  0                   1                   2                   3
/// |0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 A B 0|
/// </code>
/// The other bits are sent as zero and ignored on receipt.
/// </summary>
internal readonly record struct ChangeRequest(bool ChangeIp, bool ChangePort) : IStunAttribute<ChangeRequest>
{
    private const uint ChangeIpFlag = 0x04;
    private const uint ChangePortFlag = 0x02;

    public static StunAttributeType AttributeType => StunAttributeType.ChangeRequest;

    public int EncodedLength => 4;

    public int Write(Span<byte> destination)
    {
        uint flags = (ChangeIp ? ChangeIpFlag : 0) | (ChangePort ? ChangePortFlag : 0);
        BinaryPrimitives.WriteUInt32BigEndian(destination, flags);
        return 4;
    }

    public static bool TryParse(ReadOnlySpan<byte> value, out ChangeRequest attribute)
    {
        attribute = default;
        if (value.Length != 4) return false;
        uint flags = BinaryPrimitives.ReadUInt32BigEndian(value);
        attribute = new ChangeRequest((flags & ChangeIpFlag) != 0, (flags & ChangePortFlag) != 0);
        return true;
    }
}
