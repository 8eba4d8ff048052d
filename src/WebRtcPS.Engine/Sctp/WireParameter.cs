using System.Buffers.Binary;

namespace WebRtcPS.Engine.Sctp;

/// <summary>Header check shared by the parameter and error cause codecs (RFC 9260 §3.2.1, §3.3.10).</summary>
internal static class WireParameter
{
    /// <summary>Validates a parameter header; <paramref name="element"/> is exactly the bytes its
    /// Length field covers.</summary>
    public static bool TryRead(ReadOnlySpan<byte> element, ushort expectedType, int minValueLength, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (element.Length < 4) return false;
        if (BinaryPrimitives.ReadUInt16BigEndian(element) != expectedType) return false;
        int length = BinaryPrimitives.ReadUInt16BigEndian(element[2..]);
        if (length != element.Length || length - 4 < minValueLength) return false;
        value = element[4..];
        return true;
    }
}
