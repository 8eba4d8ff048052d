using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>
/// The address value shared by MAPPED-ADDRESS, ALTERNATE-SERVER (RFC 8489 §14.1) and, XORed,
/// by XOR-MAPPED/-PEER/-RELAYED-ADDRESS (§14.2):
/// <code>
/// |0 0 0 0 0 0 0 0|    Family     |           Port                |
/// |                 Address (32 bits or 128 bits)                 |
/// </code>
/// IPv4-mapped IPv6 addresses (from dual-stack sockets) are sent as IPv4, which is what the
/// peer actually sees. IPv6 scope ids are not carried.
/// </summary>
internal static class StunAddressCodec
{
    public const byte FamilyIPv4 = 0x01;
    public const byte FamilyIPv6 = 0x02;

    public static int GetEncodedLength(IPEndPoint endPoint) => Normalize(endPoint.Address).AddressFamily == AddressFamily.InterNetwork ? 8 : 20;

    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    public static int Write(IPEndPoint endPoint, Span<byte> destination, StunTransactionId? xorWith)
    {
        var address = Normalize(endPoint.Address);
        bool v4 = address.AddressFamily == AddressFamily.InterNetwork;
        if (!v4 && address.AddressFamily != AddressFamily.InterNetworkV6) throw new ArgumentException("STUN carries IPv4 or IPv6 addresses only.", nameof(endPoint));
        int length = v4 ? 8 : 20;
        destination[0] = 0;
        destination[1] = v4 ? FamilyIPv4 : FamilyIPv6;
        ushort port = (ushort)endPoint.Port;
        if (xorWith is not null) port ^= (ushort)(StunMessage.MagicCookie >> 16);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], port);
        var bytes = destination[4..length];
        address.TryWriteBytes(bytes, out _);
        if (xorWith is { } id) Xor(bytes, id);
        return length;
    }

    public static bool TryRead(ReadOnlySpan<byte> value, StunTransactionId? xorWith, out IPEndPoint endPoint)
    {
        endPoint = null!;
        if (value.Length < 4) return false;
        // The first byte must be sent as zero and ignored on receipt (RFC 8489 §14.1).
        int addressLength = value[1] switch { FamilyIPv4 => 4, FamilyIPv6 => 16, _ => -1 };
        if (addressLength < 0 || value.Length != 4 + addressLength) return false;
        ushort port = BinaryPrimitives.ReadUInt16BigEndian(value[2..]);
        Span<byte> bytes = stackalloc byte[addressLength];
        value.Slice(4, addressLength).CopyTo(bytes);
        if (xorWith is { } id)
        {
            port ^= (ushort)(StunMessage.MagicCookie >> 16);
            Xor(bytes, id);
        }
        endPoint = new IPEndPoint(new IPAddress(bytes), port);
        return true;
    }

    /// <summary>IPv4 is XORed with the magic cookie; IPv6 with cookie and transaction id (§14.2).</summary>
    private static void Xor(Span<byte> address, StunTransactionId id)
    {
        Span<byte> key = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(key, StunMessage.MagicCookie);
        id.WriteTo(key[4..]);
        for (int i = 0; i < address.Length; i++) address[i] ^= key[i];
    }
}
