using System.Buffers.Binary;
using System.Security.Cryptography;

namespace WebRtcPS.Engine.Sctp;

/// <summary>The State Cookie this engine puts in INIT-ACK (RFC 9260 §5.1.3): what is needed to
/// build the association from COOKIE-ECHO without keeping state, signed with HMAC-SHA256.</summary>
/// <remarks><code>
/// | Local Verification Tag (32) | Peer Verification Tag (32) | Local Initial TSN (32) |
/// | Peer Initial TSN (32) | Peer a_rwnd (32) | Peer OS (16) | Peer MIS (16) |
/// | Flags (8: 1 = peer supports FORWARD-TSN, 2 = RE-CONFIG) | Reserved (24) |
/// | Created, ms since the association's epoch (64) | HMAC-SHA256 over the above (256) |
/// </code></remarks>
internal sealed record StateCookie(uint LocalTag, uint PeerTag, uint LocalInitialTsn, uint PeerInitialTsn, uint PeerARwnd,
    ushort PeerOutboundStreams, ushort PeerInboundStreams, bool PeerForwardTsn, bool PeerReconfig, long CreatedMs)
{
    private const int BodyLength = 36;
    public const int EncodedLength = BodyLength + 32;

    public byte[] Sign(ReadOnlySpan<byte> key)
    {
        var buffer = new byte[EncodedLength];
        var b = buffer.AsSpan();
        BinaryPrimitives.WriteUInt32BigEndian(b, LocalTag);
        BinaryPrimitives.WriteUInt32BigEndian(b[4..], PeerTag);
        BinaryPrimitives.WriteUInt32BigEndian(b[8..], LocalInitialTsn);
        BinaryPrimitives.WriteUInt32BigEndian(b[12..], PeerInitialTsn);
        BinaryPrimitives.WriteUInt32BigEndian(b[16..], PeerARwnd);
        BinaryPrimitives.WriteUInt16BigEndian(b[20..], PeerOutboundStreams);
        BinaryPrimitives.WriteUInt16BigEndian(b[22..], PeerInboundStreams);
        b[24] = (byte)((PeerForwardTsn ? 1 : 0) | (PeerReconfig ? 2 : 0));
        BinaryPrimitives.WriteInt64BigEndian(b[28..], CreatedMs);
        HMACSHA256.HashData(key, b[..BodyLength], b[BodyLength..]);
        return buffer;
    }

    /// <summary>Checks length and signature and decodes; never throws.</summary>
    public static bool TryVerify(ReadOnlySpan<byte> cookie, ReadOnlySpan<byte> key, out StateCookie result)
    {
        result = null!;
        if (cookie.Length != EncodedLength) return false;
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, cookie[..BodyLength], mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, cookie[BodyLength..])) return false;
        result = new StateCookie(BinaryPrimitives.ReadUInt32BigEndian(cookie), BinaryPrimitives.ReadUInt32BigEndian(cookie[4..]),
            BinaryPrimitives.ReadUInt32BigEndian(cookie[8..]), BinaryPrimitives.ReadUInt32BigEndian(cookie[12..]),
            BinaryPrimitives.ReadUInt32BigEndian(cookie[16..]), BinaryPrimitives.ReadUInt16BigEndian(cookie[20..]),
            BinaryPrimitives.ReadUInt16BigEndian(cookie[22..]), (cookie[24] & 1) != 0, (cookie[24] & 2) != 0,
            BinaryPrimitives.ReadInt64BigEndian(cookie[28..]));
        return true;
    }
}
