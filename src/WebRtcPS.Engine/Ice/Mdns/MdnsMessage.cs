using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace WebRtcPS.Engine.Ice;

/// <summary>
/// The little DNS wire format (RFC 1035 §4) a one-shot mDNS query needs (RFC 6762 §5.1): a
/// query for one name's A or AAAA record, and the addresses in a response's answers (and
/// additional records, where responders often put the other family).
/// <code>
/// header: ID(16) | QR Opcode AA TC RD RA Z RCODE (16) | QDCOUNT | ANCOUNT | NSCOUNT | ARCOUNT
/// question: QNAME (labels) | QTYPE(16) | QCLASS(16, top bit = QU, unicast response wanted)
/// record: NAME | TYPE(16) | CLASS(16, top bit = cache-flush) | TTL(32) | RDLENGTH(16) | RDATA
/// </code>
/// </summary>
internal static class MdnsMessage
{
    public const ushort TypeA = 1, TypeAaaa = 28, ClassIn = 1;
    private const ushort UnicastResponseBit = 0x8000;
    private const int HeaderLength = 12;

    /// <summary>A query for <paramref name="name"/> (e.g. "1f2e....local") of <paramref name="type"/>,
    /// ID 0 as RFC 6762 §18.1 asks for multicast queries, QU bit set.</summary>
    public static byte[] BuildQuery(string name, ushort type)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var labels = name.TrimEnd('.').Split('.');
        var buffer = new List<byte>(HeaderLength + name.Length + 6);
        buffer.AddRange(new byte[] { 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0 });
        foreach (var label in labels)
        {
            var bytes = Encoding.UTF8.GetBytes(label);
            if (bytes.Length is 0 or > 63) throw new ArgumentException($"DNS label '{label}' must be 1-63 bytes.", nameof(name));
            buffer.Add((byte)bytes.Length);
            buffer.AddRange(bytes);
        }
        buffer.Add(0);
        buffer.Add((byte)(type >> 8));
        buffer.Add((byte)type);
        ushort qclass = ClassIn | UnicastResponseBit;
        buffer.Add((byte)(qclass >> 8));
        buffer.Add((byte)qclass);
        return buffer.ToArray();
    }

    /// <summary>Addresses of A/AAAA records for <paramref name="name"/> in a response; empty for
    /// anything malformed or unrelated. Never throws.</summary>
    public static IReadOnlyList<IPAddress> ParseAddresses(ReadOnlySpan<byte> message, string name)
    {
        var result = new List<IPAddress>();
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
            int length = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 8)..]);
            offset += 10;
            if (offset + length > message.Length) return result;
            var data = message.Slice(offset, length);
            offset += length;
            if (@class != ClassIn || !recordName.Equals(wanted, StringComparison.OrdinalIgnoreCase)) continue;
            if (type == TypeA && length == 4) result.Add(new IPAddress(data));
            else if (type == TypeAaaa && length == 16) result.Add(new IPAddress(data));
        }
        return result;
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
