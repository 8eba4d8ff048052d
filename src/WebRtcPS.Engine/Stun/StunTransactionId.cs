using System.Buffers.Binary;
using System.Security.Cryptography;

namespace WebRtcPS.Engine.Stun;

/// <summary>
/// The 96-bit transaction id of a STUN message (RFC 8489 §5). Requests use a fresh, uniformly
/// random id (§6), so it also defeats off-path response spoofing.
/// </summary>
internal readonly record struct StunTransactionId
{
    public const int Length = 12;

    private readonly ulong _high;
    private readonly uint _low;

    public StunTransactionId(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length) throw new ArgumentException("A STUN transaction id is 12 bytes.", nameof(bytes));
        _high = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _low = BinaryPrimitives.ReadUInt32BigEndian(bytes[8..]);
    }

    /// <summary>A new cryptographically random transaction id.</summary>
    public static StunTransactionId NewId()
    {
        Span<byte> bytes = stackalloc byte[Length];
        RandomNumberGenerator.Fill(bytes);
        return new StunTransactionId(bytes);
    }

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _high);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], _low);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Length];
        WriteTo(bytes);
        return bytes;
    }

    public override string ToString() => $"{_high:x16}{_low:x8}";
}
