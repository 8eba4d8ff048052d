using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace WebRtcPS.Engine.Ice;

/// <summary>
/// The little DNS wire format (RFC 1035 §4) one-shot mDNS queries and a responder for a few
/// names need (RFC 6762 §5.1, §6): a query for one name's A or AAAA record, the addresses in a
/// response, the questions of a query, and an answer with its NSEC record.
/// <code>
/// header: ID(16) | QR Opcode AA TC RD RA Z RCODE (16) | QDCOUNT | ANCOUNT | NSCOUNT | ARCOUNT
/// question: QNAME (labels) | QTYPE(16) | QCLASS(16, top bit = QU, unicast response wanted)
/// record: NAME | TYPE(16) | CLASS(16, top bit = cache-flush) | TTL(32) | RDLENGTH(16) | RDATA
/// </code>
/// </summary>
internal static class MdnsMessage
{
    public const ushort TypeA = 1, TypeAaaa = 28, TypeNsec = 47, TypeAny = 255, ClassIn = 1, ClassAny = 255;
    private const ushort UnicastResponseBit = 0x8000, CacheFlushBit = 0x8000;
    private const int HeaderLength = 12;

    /// <summary>A query for <paramref name="name"/> (e.g. "1f2e....local") of <paramref name="type"/>,
    /// ID 0 as RFC 6762 §18.1 asks for multicast queries, QU bit set (§5.4: a unicast answer is welcome).</summary>
    public static byte[] BuildQuery(string name, ushort type)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var buffer = new List<byte>(HeaderLength + name.Length + 6);
        buffer.AddRange(new byte[] { 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0 });
        WriteName(buffer, name);
        WriteUInt16(buffer, type);
        WriteUInt16(buffer, ClassIn | UnicastResponseBit);
        return buffer.ToArray();
    }

    /// <summary>
    /// A responder's answer (RFC 6762 §6) for <paramref name="name"/> at <paramref name="address"/>:
    /// the A or AAAA record when <paramref name="type"/> asks for the address's family (or ANY),
    /// and an NSEC record (§6.1) saying which of A/AAAA the name has, so a querier asking for the
    /// other family learns at once that there is none rather than waiting out its query. A reply to
    /// a legacy querier (§6.7: from a port other than 5353) echoes its <paramref name="id"/> and
    /// question, and clears the cache-flush bits; others get ID 0 and no question (§18.1, §6).
    /// </summary>
    public static byte[] BuildResponse(ushort id, string name, ushort type, IPAddress address, uint ttl, bool legacy)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(address);
        ushort own = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? TypeAaaa : TypeA;
        bool positive = type == own || type == TypeAny;
        var buffer = new List<byte>(128);
        WriteUInt16(buffer, legacy ? id : (ushort)0);
        WriteUInt16(buffer, 0x8400);                          // QR = response, AA = authoritative
        WriteUInt16(buffer, (ushort)(legacy ? 1 : 0));        // QDCOUNT
        WriteUInt16(buffer, 1);                               // ANCOUNT: the address, or the NSEC when it is the answer (§6.1)
        WriteUInt16(buffer, 0);                               // NSCOUNT
        WriteUInt16(buffer, (ushort)(positive ? 1 : 0));      // ARCOUNT: the NSEC beside an address
        if (legacy)
        {
            WriteName(buffer, name);
            WriteUInt16(buffer, type);
            WriteUInt16(buffer, ClassIn);
        }
        ushort @class = (ushort)(ClassIn | (legacy ? 0 : CacheFlushBit));
        if (positive)
        {
            var bytes = address.GetAddressBytes();
            WriteName(buffer, name);
            WriteUInt16(buffer, own);
            WriteUInt16(buffer, @class);
            WriteUInt32(buffer, ttl);
            WriteUInt16(buffer, (ushort)bytes.Length);
            buffer.AddRange(bytes);
        }
        // NSEC (RFC 4034 §4, restricted form of RFC 6762 §6.1): next name = the name itself, one
        // window block (0) whose bitmap covers types up to AAAA (28): 4 bytes.
        WriteName(buffer, name);
        WriteUInt16(buffer, TypeNsec);
        WriteUInt16(buffer, @class);
        WriteUInt32(buffer, ttl);
        int nameLength = EncodedNameLength(name);
        WriteUInt16(buffer, (ushort)(nameLength + 2 + 4));
        WriteName(buffer, name);
        buffer.Add(0);
        buffer.Add(4);
        var bitmap = new byte[4];
        bitmap[own / 8] |= (byte)(0x80 >> (own % 8));
        buffer.AddRange(bitmap);
        return buffer.ToArray();
    }

    /// <summary>The questions of a standard query (QR = 0, opcode 0): each name, type and QU bit;
    /// null for a response or anything malformed. Never throws.</summary>
    public static IReadOnlyList<MdnsQuestion>? ParseQuery(ReadOnlySpan<byte> message, out ushort id)
    {
        id = 0;
        if (message.Length < HeaderLength) return null;
        id = BinaryPrimitives.ReadUInt16BigEndian(message);
        ushort flags = BinaryPrimitives.ReadUInt16BigEndian(message[2..]);
        if ((flags & 0xF800) != 0) return null;   // a response, or not a standard query
        int count = BinaryPrimitives.ReadUInt16BigEndian(message[4..]);
        var questions = new List<MdnsQuestion>(Math.Min(count, 16));
        int offset = HeaderLength;
        for (int i = 0; i < count; i++)
        {
            if (!TryReadName(message, ref offset, out var name) || offset + 4 > message.Length) return null;
            ushort type = BinaryPrimitives.ReadUInt16BigEndian(message[offset..]);
            ushort @class = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 2)..]);
            offset += 4;
            if ((@class & 0x7FFF) is ClassIn or ClassAny) questions.Add(new MdnsQuestion(name, type, (@class & UnicastResponseBit) != 0));
        }
        return questions;
    }

    /// <summary>Addresses of A/AAAA records for <paramref name="name"/> in a response; empty for
    /// anything malformed or unrelated. Never throws.</summary>
    public static IReadOnlyList<IPAddress> ParseAddresses(ReadOnlySpan<byte> message, string name) =>
        ParseAnswers(message, name).Select(a => a.Address).ToList();

    /// <summary>A/AAAA records for <paramref name="name"/> in a response (answers and additional
    /// records, where responders often put the other family), with their TTLs (0: a goodbye,
    /// §10.1); empty for anything malformed or unrelated. Never throws.</summary>
    public static IReadOnlyList<(IPAddress Address, uint Ttl)> ParseAnswers(ReadOnlySpan<byte> message, string name)
    {
        var result = new List<(IPAddress, uint)>();
        if (message.Length < HeaderLength) return result;
        ushort flags = BinaryPrimitives.ReadUInt16BigEndian(message[2..]);
        if ((flags & 0x8000) == 0) return result; // a query, not a response
        int questions = BinaryPrimitives.ReadUInt16BigEndian(message[4..]);
        int records = BinaryPrimitives.ReadUInt16BigEndian(message[6..]) + BinaryPrimitives.ReadUInt16BigEndian(message[8..]) + BinaryPrimitives.ReadUInt16BigEndian(message[10..]);
        int offset = HeaderLength;
        var wanted = name.TrimEnd('.');
        for (int i = 0; i < questions; i++)
        {
            if (!TryReadName(message, ref offset, out _) || offset + 4 > message.Length) return result;
            offset += 4;
        }
        for (int i = 0; i < records; i++)
        {
            if (!TryReadName(message, ref offset, out var recordName) || offset + 10 > message.Length) return result;
            ushort type = BinaryPrimitives.ReadUInt16BigEndian(message[offset..]);
            ushort @class = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 2)..]) & 0x7FFF);
            uint ttl = BinaryPrimitives.ReadUInt32BigEndian(message[(offset + 4)..]);
            int length = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 8)..]);
            offset += 10;
            if (offset + length > message.Length) return result;
            var data = message.Slice(offset, length);
            offset += length;
            if (@class != ClassIn || !recordName.Equals(wanted, StringComparison.OrdinalIgnoreCase)) continue;
            if (type == TypeA && length == 4) result.Add((new IPAddress(data), ttl));
            else if (type == TypeAaaa && length == 16) result.Add((new IPAddress(data), ttl));
        }
        return result;
    }

    private static void WriteName(List<byte> buffer, string name)
    {
        foreach (var label in name.TrimEnd('.').Split('.'))
        {
            var bytes = Encoding.UTF8.GetBytes(label);
            if (bytes.Length is 0 or > 63) throw new ArgumentException($"DNS label '{label}' must be 1-63 bytes.", nameof(name));
            buffer.Add((byte)bytes.Length);
            buffer.AddRange(bytes);
        }
        buffer.Add(0);
    }

    private static int EncodedNameLength(string name) =>
        name.TrimEnd('.').Split('.').Sum(label => 1 + Encoding.UTF8.GetByteCount(label)) + 1;

    private static void WriteUInt16(List<byte> buffer, ushort value)
    {
        buffer.Add((byte)(value >> 8));
        buffer.Add((byte)value);
    }

    private static void WriteUInt32(List<byte> buffer, uint value)
    {
        WriteUInt16(buffer, (ushort)(value >> 16));
        WriteUInt16(buffer, (ushort)value);
    }

    /// <summary>Reads a possibly compressed name (RFC 1035 §4.1.4), guarding against loops.</summary>
    private static bool TryReadName(ReadOnlySpan<byte> message, ref int offset, out string name)
    {
        var sb = new StringBuilder();
        int position = offset;
        int jumps = 0;
        bool jumped = false;
        name = "";
        while (true)
        {
            if (position >= message.Length) return false;
            byte length = message[position];
            if (length == 0)
            {
                position++;
                break;
            }
            if ((length & 0xC0) == 0xC0)
            {
                if (position + 1 >= message.Length || ++jumps > 16) return false;
                int target = ((length & 0x3F) << 8) | message[position + 1];
                if (!jumped) offset = position + 2;
                jumped = true;
                position = target;
                continue;
            }
            if ((length & 0xC0) != 0 || position + 1 + length > message.Length) return false;
            if (sb.Length > 0) sb.Append('.');
            sb.Append(Encoding.UTF8.GetString(message.Slice(position + 1, length)));
            if (sb.Length > 255) return false;
            position += 1 + length;
        }
        if (!jumped) offset = position;
        name = sb.ToString();
        return true;
    }
}

/// <summary>One question of an mDNS query: the name, the type (A, AAAA, ANY...), and whether the
/// querier asked for a unicast answer (QU bit, RFC 6762 §5.4).</summary>
internal readonly record struct MdnsQuestion(string Name, ushort Type, bool UnicastResponse);
