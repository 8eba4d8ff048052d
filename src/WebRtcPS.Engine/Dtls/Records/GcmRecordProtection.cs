using System.Buffers.Binary;
using System.Security.Cryptography;

namespace WebRtcPS.Engine.Dtls;

/// <summary>
/// AES-GCM protection of one direction's records for one epoch (RFC 5288 §3, RFC 5246 §6.2.3.3),
/// for the suites 0xC02B, 0xC02C, 0xC02F and 0xC030:
/// <code>
/// nonce           = fixed IV(4, client/server_write_IV) || explicit nonce(8)
/// additional data = seq_num(8: epoch || sequence_number) || type(1) || version(2) || plaintext length(2)
/// fragment        = explicit nonce(8) || ciphertext || tag(16)
/// </code>
/// The explicit nonce we send is epoch || sequence_number: unique per record under one key, as
/// RFC 5288 §3 requires. On receipt the peer's explicit nonce is used as sent.
/// One instance per direction and epoch, used from one thread (AesGcm keeps per-call state in
/// the native context).
/// </summary>
internal sealed class GcmRecordProtection : IDisposable
{
    public const int ExplicitNonceLength = 8;
    public const int TagLength = 16;
    public const int Overhead = ExplicitNonceLength + TagLength;
    public const int FixedIvLength = 4;

    /// <summary>TLSPlaintext.length MUST NOT exceed 2^14 (RFC 5246 §6.2.1).</summary>
    public const int MaxPlaintextLength = 1 << 14;

    private const int NonceLength = FixedIvLength + ExplicitNonceLength;
    private const int AdditionalDataLength = 13;

    private readonly AesGcm _aes;
    private readonly uint _fixedIv;

    /// <summary>Takes the write key (16 bytes for AES-128, 32 for AES-256) and the 4-byte
    /// write IV from the key block (RFC 5246 §6.3).</summary>
    public GcmRecordProtection(ReadOnlySpan<byte> key, ReadOnlySpan<byte> fixedIv)
    {
        if (key.Length is not (16 or 32)) throw new ArgumentException("An AES-GCM record key is 16 or 32 bytes.", nameof(key));
        if (fixedIv.Length != FixedIvLength) throw new ArgumentException("An AES-GCM fixed IV is 4 bytes (RFC 5288 §3).", nameof(fixedIv));
        _fixedIv = BinaryPrimitives.ReadUInt32BigEndian(fixedIv);
        _aes = new AesGcm(key, TagLength);
    }

    /// <summary>The length of the record <see cref="Seal"/> writes for a plaintext of this length.</summary>
    public static int RecordLength(int plaintextLength) => DtlsRecordHeader.Size + Overhead + plaintextLength;

    /// <summary>Writes the whole record (header with Length = 24 + plaintext length, explicit
    /// nonce, ciphertext, tag) into <paramref name="destination"/> and returns its length,
    /// <see cref="RecordLength"/>. <paramref name="version"/> is the record header's. Throws on
    /// our own mistakes: a short destination, a plaintext over 2^14 bytes, a sequence number beyond
    /// 48 bits.</summary>
    public int Seal(DtlsContentType type, ushort version, ushort epoch, long sequenceNumber, ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        if (plaintext.Length > MaxPlaintextLength) throw new ArgumentException("A record's plaintext is at most 2^14 bytes (RFC 5246 §6.2.1).", nameof(plaintext));
        var recordLength = RecordLength(plaintext.Length);
        if (destination.Length < recordLength) throw new ArgumentException("The destination is shorter than the sealed record.", nameof(destination));
        var header = new DtlsRecordHeader(type, version, epoch, sequenceNumber, Overhead + plaintext.Length);
        header.Write(destination);

        var explicitNonce = destination.Slice(DtlsRecordHeader.Size, ExplicitNonceLength);
        BinaryPrimitives.WriteUInt64BigEndian(explicitNonce, header.EpochAndSequence);
        Span<byte> nonce = stackalloc byte[NonceLength];
        Span<byte> additionalData = stackalloc byte[AdditionalDataLength];
        BuildNonce(explicitNonce, nonce);
        BuildAdditionalData(header, plaintext.Length, additionalData);

        var ciphertext = destination.Slice(DtlsRecordHeader.Size + ExplicitNonceLength, plaintext.Length);
        var tag = destination.Slice(DtlsRecordHeader.Size + ExplicitNonceLength + plaintext.Length, TagLength);
        _aes.Encrypt(nonce, plaintext, ciphertext, tag, additionalData);
        return recordLength;
    }

    /// <summary>Decrypts a received record's fragment into <paramref name="plaintext"/> (which
    /// must not overlap it). False, with nothing usable written, if the fragment is shorter than
    /// <see cref="Overhead"/>, disagrees with the header's Length, carries more than 2^14 bytes,
    /// does not fit <paramref name="plaintext"/>, or fails authentication: never throws for peer
    /// input (RFC 6347 §4.1.2.7: the caller drops the record silently).</summary>
    public bool TryOpen(in DtlsRecordHeader header, ReadOnlySpan<byte> fragment, Span<byte> plaintext, out int written)
    {
        written = 0;
        if (fragment.Overlaps(plaintext)) throw new ArgumentException("The plaintext buffer must not overlap the fragment.", nameof(plaintext));
        if (fragment.Length < Overhead || fragment.Length != header.Length) return false;
        var plaintextLength = fragment.Length - Overhead;
        if (plaintextLength > MaxPlaintextLength || plaintextLength > plaintext.Length) return false;

        Span<byte> nonce = stackalloc byte[NonceLength];
        Span<byte> additionalData = stackalloc byte[AdditionalDataLength];
        BuildNonce(fragment[..ExplicitNonceLength], nonce);
        BuildAdditionalData(header, plaintextLength, additionalData);
        try
        {
            _aes.Decrypt(nonce, fragment.Slice(ExplicitNonceLength, plaintextLength), fragment[^TagLength..],
                plaintext[..plaintextLength], additionalData);
        }
        catch (CryptographicException)
        {
            // A forged or corrupted record (AuthenticationTagMismatchException); AesGcm has
            // already cleared the plaintext it wrote.
            return false;
        }
        written = plaintextLength;
        return true;
    }

    public void Dispose() => _aes.Dispose();

    private void BuildNonce(ReadOnlySpan<byte> explicitNonce, Span<byte> nonce)
    {
        BinaryPrimitives.WriteUInt32BigEndian(nonce, _fixedIv);
        explicitNonce.CopyTo(nonce[FixedIvLength..]);
    }

    // RFC 5246 §6.2.3.3: the length is the plaintext's (TLSCompressed.length, with the null
    // compression of DTLS), not the record's.
    private static void BuildAdditionalData(in DtlsRecordHeader header, int plaintextLength, Span<byte> additionalData)
    {
        BinaryPrimitives.WriteUInt64BigEndian(additionalData, header.EpochAndSequence);
        additionalData[8] = (byte)header.Type;
        BinaryPrimitives.WriteUInt16BigEndian(additionalData[9..], header.Version);
        BinaryPrimitives.WriteUInt16BigEndian(additionalData[11..], (ushort)plaintextLength);
    }
}
