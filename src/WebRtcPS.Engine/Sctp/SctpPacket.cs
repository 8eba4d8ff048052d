using System.Buffers.Binary;

namespace WebRtcPS.Engine.Sctp;

/// <summary>An SCTP packet (RFC 9260 §3): the common header followed by chunks, each padded to a
/// multiple of 4 bytes. The checksum is CRC32c over the whole packet with the checksum field
/// zeroed, stored least significant byte first (RFC 9260 §6.8, appendix B).</summary>
/// <remarks><code>
///  0                   1                   2                   3
/// |     Source Port Number        |     Destination Port Number   |
/// |                      Verification Tag                         |
/// |                           Checksum                            |
/// |  Chunk #1 ... Chunk #n                                        |
/// </code></remarks>
internal sealed record SctpPacket(ushort SourcePort, ushort DestinationPort, uint VerificationTag, IReadOnlyList<ISctpChunk> Chunks)
{
    public const int CommonHeaderLength = 12;

    public int EncodedLength
    {
        get
        {
            var total = CommonHeaderLength;
            foreach (var c in Chunks) total += Wire.Pad4(c.EncodedLength);
            return total;
        }
    }

    /// <summary>Parses a packet. Fails (never throws) on a bad checksum, a truncated or malformed
    /// chunk, or a packet without chunks.</summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out SctpPacket result, bool verifyChecksum = true)
    {
        result = null!;
        if (packet.Length < CommonHeaderLength + 4) return false;
        if (verifyChecksum && !ChecksumMatches(packet)) return false;
        var chunks = new List<ISctpChunk>();
        var rest = packet[CommonHeaderLength..];
        while (rest.Length > 0)
        {
            if (rest.Length < 4) return false;
            int length = BinaryPrimitives.ReadUInt16BigEndian(rest[2..]);
            if (length < 4 || length > rest.Length) return false;
            if (!TryParseChunk(rest[..length], out var chunk)) return false;
            chunks.Add(chunk);
            rest = rest[Math.Min(Wire.Pad4(length), rest.Length)..];
        }
        result = new SctpPacket(BinaryPrimitives.ReadUInt16BigEndian(packet), BinaryPrimitives.ReadUInt16BigEndian(packet[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(packet[4..]), chunks);
        return true;
    }

    /// <summary>Parses one chunk; <paramref name="chunk"/> is exactly Chunk Length bytes.</summary>
    public static bool TryParseChunk(ReadOnlySpan<byte> chunk, out ISctpChunk result)
    {
        bool ok;
        switch ((ChunkType)chunk[0])
        {
            case ChunkType.Data: ok = DataChunk.TryParse(chunk, out var data); result = data; break;
            case ChunkType.Init: ok = InitChunk.TryParse(chunk, out var init); result = init; break;
            case ChunkType.InitAck: ok = InitAckChunk.TryParse(chunk, out var initAck); result = initAck; break;
            case ChunkType.Sack: ok = SackChunk.TryParse(chunk, out var sack); result = sack; break;
            case ChunkType.Heartbeat: ok = HeartbeatChunk.TryParse(chunk, out var hb); result = hb; break;
            case ChunkType.HeartbeatAck: ok = HeartbeatAckChunk.TryParse(chunk, out var hba); result = hba; break;
            case ChunkType.Abort: ok = AbortChunk.TryParse(chunk, out var abort); result = abort; break;
            case ChunkType.Shutdown: ok = ShutdownChunk.TryParse(chunk, out var sd); result = sd; break;
            case ChunkType.ShutdownAck: ok = ShutdownAckChunk.TryParse(chunk, out var sda); result = sda; break;
            case ChunkType.Error: ok = ErrorChunk.TryParse(chunk, out var err); result = err; break;
            case ChunkType.CookieEcho: ok = CookieEchoChunk.TryParse(chunk, out var ce); result = ce; break;
            case ChunkType.CookieAck: ok = CookieAckChunk.TryParse(chunk, out var ca); result = ca; break;
            case ChunkType.ShutdownComplete: ok = ShutdownCompleteChunk.TryParse(chunk, out var sdc); result = sdc; break;
            case ChunkType.ReConfig: ok = ReConfigChunk.TryParse(chunk, out var rc); result = rc; break;
            case ChunkType.ForwardTsn: ok = ForwardTsnChunk.TryParse(chunk, out var fwd); result = fwd; break;
            default: ok = UnknownChunk.TryParse(chunk, out var unknown); result = unknown; break;
        }
        return ok;
    }

    /// <summary>True when bytes 8..11 hold the CRC32c of the packet with those bytes zeroed.</summary>
    public static bool ChecksumMatches(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < CommonHeaderLength) return false;
        return BinaryPrimitives.ReadUInt32LittleEndian(packet[8..]) == ComputeChecksum(packet);
    }

    /// <summary>CRC32c of the packet as if its checksum field were zero.</summary>
    public static uint ComputeChecksum(ReadOnlySpan<byte> packet)
    {
        var crc = Crc32c.Update(0xFFFFFFFF, packet[..8]);
        crc = Crc32c.Update(crc, [0, 0, 0, 0]);
        crc = Crc32c.Update(crc, packet[CommonHeaderLength..]);
        return ~crc;
    }

    /// <summary>Writes the packet with its checksum; returns the byte count (<see cref="EncodedLength"/>).</summary>
    public int Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, SourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], DestinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], VerificationTag);
        var offset = CommonHeaderLength;
        foreach (var chunk in Chunks)
        {
            var len = chunk.Write(destination[offset..]);
            offset += Wire.PadAfter(destination[offset..], len);
        }
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], ComputeChecksum(destination[..offset]));
        return offset;
    }

    public byte[] ToArray()
    {
        var buffer = new byte[EncodedLength];
        Write(buffer);
        return buffer;
    }
}
