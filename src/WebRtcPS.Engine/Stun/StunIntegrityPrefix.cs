using System.Buffers.Binary;

namespace WebRtcPS.Engine.Stun;

/// <summary>
/// Locates an integrity attribute in received bytes and gives the bytes it covers: the message
/// up to that attribute, with the header length field rewritten to end just after it
/// (RFC 8489 §14.5-§14.7: the length must point to the end of the attribute being checked,
/// so attributes appended later do not change the value).
/// </summary>
internal static class StunIntegrityPrefix
{
    /// <summary>The first attribute of <paramref name="type"/> in a well-framed message.</summary>
    public static bool TryLocate(ReadOnlySpan<byte> message, StunAttributeType type, out int offset, out int valueLength)
    {
        var reader = new StunAttributeReader(message);
        while (reader.MoveNext())
        {
            if (reader.Type != type) continue;
            offset = reader.Offset;
            valueLength = reader.ValueLength;
            return true;
        }
        offset = valueLength = 0;
        return false;
    }

    /// <summary>A copy of the covered bytes of the attribute at <paramref name="offset"/>.</summary>
    public static byte[] Covered(ReadOnlySpan<byte> message, int offset, int valueLength)
    {
        var copy = message[..offset].ToArray();
        int length = offset - StunMessage.HeaderLength + StunAttribute.HeaderLength + StunAttribute.PaddedLength(valueLength);
        BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(2), (ushort)length);
        return copy;
    }
}
