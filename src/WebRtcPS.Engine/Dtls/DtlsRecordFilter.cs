using System.Buffers.Binary;

namespace WebRtcPS.Engine.Dtls;

/// <summary>
/// Drops inbound datagrams that BouncyCastle would treat as fatal although RFC 6347 §4.1.2.7 says
/// invalid records are to be discarded silently.
/// </summary>
/// <remarks>
/// BouncyCastle's AEAD cipher raises decode_error (fatal, the connection dies) for an encrypted
/// record shorter than its explicit nonce plus tag; only bad_record_mac can be ignored
/// (<c>IgnoreCorruptDtlsRecords</c>). Both our client and server offer AES-GCM suites only, whose
/// smallest record body is 8 (explicit nonce) + 16 (tag) = 24 bytes, so any record with epoch ≥ 1
/// and a shorter body is forged or corrupt. Malformed framing is left to BouncyCastle, which
/// already discards it.
/// </remarks>
internal static class DtlsRecordFilter
{
    internal const int MinEncryptedBody = 8 + 16;

    public static bool IsAcceptable(ReadOnlySpan<byte> datagram)
    {
        while (datagram.Length >= FlightBatcher.RecordHeaderLength)
        {
            var epoch = BinaryPrimitives.ReadUInt16BigEndian(datagram[3..]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(datagram[11..]);
            if (epoch != 0 && length < MinEncryptedBody) return false;
            var recordLength = FlightBatcher.RecordHeaderLength + length;
            if (recordLength > datagram.Length) return true;
            datagram = datagram[recordLength..];
        }
        return true;
    }
}
