using System.Buffers.Binary;
using WebRtcPS.Engine.Sctp;

namespace WebRtcPS.Fuzz;

/// <summary>SCTP packets and chunks (RFC 9260, RFC 6525, RFC 3758). The parsers return false on
/// malformed input and never throw. The checksum is not verified, so the fuzzer reaches the
/// chunks; what parses is written back, as the association echoes parts of it (HEARTBEAT info,
/// unrecognized parameters).</summary>
internal static class SctpTargets
{
    public static void Packet(ReadOnlySpan<byte> input)
    {
        _ = SctpPacket.TryParse(input, out _);
        if (!SctpPacket.TryParse(input, out var packet, verifyChecksum: false)) return;
        foreach (var chunk in packet.Chunks) WriteBack(chunk);
        _ = packet.ToArray();
    }

    /// <summary>One chunk, as the packet parser hands it over: at least 4 bytes, Chunk Length
    /// equal to the bytes given.</summary>
    public static void Chunk(ReadOnlySpan<byte> input)
    {
        if (input.Length < 4 || input.Length > ushort.MaxValue) return;
        var chunk = input.ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(chunk.AsSpan(2), (ushort)chunk.Length);
        if (SctpPacket.TryParseChunk(chunk, out var parsed)) WriteBack(parsed);
    }

    private static void WriteBack(ISctpChunk chunk)
    {
        _ = chunk.ToString();
        var buffer = new byte[chunk.EncodedLength];
        _ = chunk.Write(buffer);
    }
}
