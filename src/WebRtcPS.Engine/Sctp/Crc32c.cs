using System.Buffers.Binary;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace WebRtcPS.Engine.Sctp;

/// <summary>
/// CRC32c (Castagnoli, reflected polynomial 0x82F63B78), the SCTP checksum of RFC 9260 §6.8 and
/// appendix B. Uses the SSE 4.2 or ARMv8 CRC instructions when the CPU has them, else a
/// slicing-by-one table.
/// </summary>
/// <remarks>
/// The SCTP checksum is <c>Compute(packet with checksum field zeroed)</c>, written into bytes 8..11
/// least significant byte first (appendix B: the reflected CRC goes on the wire in that order).
/// </remarks>
internal static class Crc32c
{
    private const uint Polynomial = 0x82F63B78;
    private static readonly uint[] Table = BuildTable();

    /// <summary>CRC32c of <paramref name="data"/> (initial value ~0, final XOR ~0).</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Update(0xFFFFFFFF, data);

    /// <summary>Advances a running (non-finalised) CRC register over <paramref name="data"/>.</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        if (Sse42.X64.IsSupported)
        {
            ulong c = crc;
            while (data.Length >= 8)
            {
                c = Sse42.X64.Crc32(c, BinaryPrimitives.ReadUInt64LittleEndian(data));
                data = data[8..];
            }
            crc = (uint)c;
        }
        else if (Sse42.IsSupported)
        {
            while (data.Length >= 4)
            {
                crc = Sse42.Crc32(crc, BinaryPrimitives.ReadUInt32LittleEndian(data));
                data = data[4..];
            }
        }
        else if (Crc32.Arm64.IsSupported)
        {
            while (data.Length >= 8)
            {
                crc = Crc32.Arm64.ComputeCrc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
                data = data[8..];
            }
        }
        else if (Crc32.IsSupported)
        {
            while (data.Length >= 4)
            {
                crc = Crc32.ComputeCrc32C(crc, BinaryPrimitives.ReadUInt32LittleEndian(data));
                data = data[4..];
            }
        }

        if (Sse42.IsSupported)
        {
            foreach (var b in data) crc = Sse42.Crc32(crc, b);
            return crc;
        }
        if (Crc32.IsSupported)
        {
            foreach (var b in data) crc = Crc32.ComputeCrc32C(crc, b);
            return crc;
        }
        return UpdateTable(crc, data);
    }

    /// <summary>The portable path, exposed so tests can check it against the intrinsic one.</summary>
    internal static uint UpdateTable(uint crc, ReadOnlySpan<byte> data)
    {
        var table = Table;
        foreach (var b in data) crc = table[(byte)(crc ^ b)] ^ (crc >> 8);
        return crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >> 1) ^ Polynomial : c >> 1;
            table[i] = c;
        }
        return table;
    }
}
