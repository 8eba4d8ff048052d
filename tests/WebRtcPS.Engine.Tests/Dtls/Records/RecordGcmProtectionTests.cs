using Org.BouncyCastle.Tls;
using WebRtcPS.Engine.Dtls;

namespace WebRtcPS.Engine.Tests.Dtls;

public class RecordGcmProtectionTests
{
    private static readonly byte[] Key128 = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray();
    private static readonly byte[] Iv128 = Convert.FromHexString("A0A1A2A3");
    private static readonly byte[] Key256 = Enumerable.Range(32, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] Iv256 = Convert.FromHexString("0BADF00D");
    private static readonly byte[] FinishedLike = Convert.FromHexString("1400000C000500000000000C" + "000102030405060708090A0B");

    // Known answers computed outside .NET (Python's cryptography AESGCM, i.e. OpenSSL) from the
    // RFC 5288 §3 / RFC 5246 §6.2.3.3 layout: nonce = IV || epoch || seq,
    // AAD = epoch || seq || type || FEFD || plaintext length.
    // AES-128: application_data, epoch 1, seq 5, "hello, dtls".
    private const string Record128 =
        "17FEFD00010000000000050023" + "0001000000000005" +
        "A46F3DEA4BBBCAF08029C0" + "1049CB42A10E3BBF6A062F9173828270";

    // AES-256: handshake, epoch 1, seq 0, a Finished-like body.
    private const string Record256 =
        "16FEFD00010000000000000030" + "0001000000000000" +
        "293BBB2706EF0D90B6843C0B6FE6C7D64224DAF43A9CF444" + "11594D1B2C0704D19D378BE127839587";

    [Fact]
    public void SealMatchesKnownAnswer128()
    {
        using var protection = new GcmRecordProtection(Key128, Iv128);
        var record = new byte[100];
        var length = protection.Seal(DtlsContentType.ApplicationData, DtlsRecordHeader.Dtls12, 1, 5, "hello, dtls"u8, record);
        Assert.Equal(13 + 24 + 11, length);
        Assert.Equal(Record128, Convert.ToHexString(record, 0, length));
    }

    [Fact]
    public void SealMatchesKnownAnswer256()
    {
        using var protection = new GcmRecordProtection(Key256, Iv256);
        var record = new byte[GcmRecordProtection.RecordLength(FinishedLike.Length)];
        Assert.Equal(record.Length, protection.Seal(DtlsContentType.Handshake, DtlsRecordHeader.Dtls12, 1, 0, FinishedLike, record));
        Assert.Equal(Record256, Convert.ToHexString(record));
    }

    [Theory]
    [InlineData(Record128, 16, "68656C6C6F2C2064746C73")]
    [InlineData(Record256, 32, "1400000C000500000000000C000102030405060708090A0B")]
    public void OpensKnownAnswers(string recordHex, int keyLength, string plaintextHex)
    {
        using var protection = keyLength == 16 ? new GcmRecordProtection(Key128, Iv128) : new GcmRecordProtection(Key256, Iv256);
        var reader = new DtlsRecordReader(Convert.FromHexString(recordHex));
        Assert.True(reader.TryReadNext(out var header, out var fragment, out _));
        var plaintext = new byte[64];
        Assert.True(protection.TryOpen(header, fragment, plaintext, out var written));
        Assert.Equal(plaintextHex, Convert.ToHexString(plaintext, 0, written));
    }

    // BouncyCastle's TlsAeadCipher (client side) seals a record; ours must produce the same bytes
    // from the client_write key and IV of BouncyCastle's key block, and open it. Then the other
    // way: BouncyCastle's server side opens what we seal.
    [Theory]
    [InlineData(16)]
    [InlineData(32)]
    public void AgreesWithBouncyCastleRecordLayer(int keyLength)
    {
        var client = BouncyCastleRecordCipher.Create(isServer: false, keyLength, seed: 7);
        var server = BouncyCastleRecordCipher.Create(isServer: true, keyLength, seed: 7);
        using var ours = new GcmRecordProtection(client.ClientKey(keyLength), client.ClientIv(keyLength));
        var plaintext = Enumerable.Range(0, 300).Select(i => (byte)(i * 7)).ToArray();

        foreach (var (epoch, sequence) in new[] { (1, 0L), (1, 1L), (2, 0x123456789AL), (ushort.MaxValue, DtlsRecordHeader.MaxSequenceNumber) })
        {
            var seqNo = ((long)epoch << 48) | sequence;
            var theirs = client.Cipher.EncodePlaintext(seqNo, ContentType.application_data, ProtocolVersion.DTLSv12,
                DtlsRecordHeader.Size, plaintext, 0, plaintext.Length);
            var theirFragment = theirs.buf.AsSpan(theirs.off + DtlsRecordHeader.Size, theirs.len - DtlsRecordHeader.Size).ToArray();

            var record = new byte[GcmRecordProtection.RecordLength(plaintext.Length)];
            ours.Seal(DtlsContentType.ApplicationData, DtlsRecordHeader.Dtls12, (ushort)epoch, sequence, plaintext, record);
            Assert.Equal(theirFragment, record[DtlsRecordHeader.Size..]);

            var header = new DtlsRecordHeader(DtlsContentType.ApplicationData, DtlsRecordHeader.Dtls12, (ushort)epoch, sequence, theirFragment.Length);
            var opened = new byte[plaintext.Length];
            Assert.True(ours.TryOpen(header, theirFragment, opened, out var written));
            Assert.Equal(plaintext, opened[..written]);

            var fragment = record[DtlsRecordHeader.Size..];
            var decoded = server.Cipher.DecodeCiphertext(seqNo, ContentType.application_data, ProtocolVersion.DTLSv12, fragment, 0, fragment.Length);
            Assert.Equal(plaintext, decoded.buf.AsSpan(decoded.off, decoded.len).ToArray());
        }
    }

    [Fact]
    public void ServerDirectionAgreesWithBouncyCastle()
    {
        var server = BouncyCastleRecordCipher.Create(isServer: true, 16, seed: 42);
        using var ours = new GcmRecordProtection(server.ServerKey(16), server.ServerIv(16));
        var sealedByThem = server.Cipher.EncodePlaintext((1L << 48) | 3, ContentType.handshake, ProtocolVersion.DTLSv12,
            0, FinishedLike, 0, FinishedLike.Length);
        var fragment = sealedByThem.buf.AsSpan(sealedByThem.off, sealedByThem.len).ToArray();
        var header = new DtlsRecordHeader(DtlsContentType.Handshake, DtlsRecordHeader.Dtls12, 1, 3, fragment.Length);
        var plaintext = new byte[FinishedLike.Length];
        Assert.True(ours.TryOpen(header, fragment, plaintext, out _));
        Assert.Equal(FinishedLike, plaintext);
    }

    [Theory]
    [InlineData(16, 0)]
    [InlineData(16, 1)]
    [InlineData(32, 1200)]
    [InlineData(32, GcmRecordProtection.MaxPlaintextLength)]
    public void RoundTrips(int keyLength, int plaintextLength)
    {
        using var protection = new GcmRecordProtection(keyLength == 16 ? Key128 : Key256, Iv128);
        var plaintext = new byte[plaintextLength];
        new Random(plaintextLength).NextBytes(plaintext);
        var record = new byte[GcmRecordProtection.RecordLength(plaintextLength) + 5];
        var length = protection.Seal(DtlsContentType.ApplicationData, DtlsRecordHeader.Dtls12, 3, 77, plaintext, record);
        Assert.Equal(GcmRecordProtection.RecordLength(plaintextLength), length);

        var reader = new DtlsRecordReader(record.AsSpan(0, length));
        Assert.True(reader.TryReadNext(out var header, out var fragment, out _));
        Assert.Equal(new DtlsRecordHeader(DtlsContentType.ApplicationData, DtlsRecordHeader.Dtls12, 3, 77, plaintextLength + GcmRecordProtection.Overhead), header);
        var opened = new byte[plaintextLength];
        Assert.True(protection.TryOpen(header, fragment, opened, out var written));
        Assert.Equal(plaintextLength, written);
        Assert.Equal(plaintext, opened);
    }

    public static TheoryData<string> HeaderTampering() => new() { "type", "version", "epoch", "sequence", "length" };

    [Theory]
    [MemberData(nameof(HeaderTampering))]
    public void TamperedHeaderFieldFails(string field)
    {
        using var protection = new GcmRecordProtection(Key128, Iv128);
        var record = Convert.FromHexString(Record128);
        Assert.True(DtlsRecordHeader.TryParse(record, out var header));
        var fragment = record.AsSpan(DtlsRecordHeader.Size);
        var tampered = field switch
        {
            "type" => header with { Type = DtlsContentType.Handshake },
            "version" => header with { Version = DtlsRecordHeader.Dtls10 },
            "epoch" => header with { Epoch = 2 },
            "sequence" => header with { SequenceNumber = 6 },
            _ => header with { Length = header.Length - 1 },
        };
        var plaintext = new byte[64];
        Assert.False(protection.TryOpen(tampered, fragment, plaintext, out var written));
        Assert.Equal(0, written);
        Assert.True(protection.TryOpen(header, fragment, plaintext, out _)); // the untouched record still opens
    }

    [Fact]
    public void EveryFlippedFragmentBitFails()
    {
        using var protection = new GcmRecordProtection(Key128, Iv128);
        var record = Convert.FromHexString(Record128);
        Assert.True(DtlsRecordHeader.TryParse(record, out var header));
        var plaintext = new byte[64];
        for (var bit = 0; bit < (record.Length - DtlsRecordHeader.Size) * 8; bit++)
        {
            var fragment = record[DtlsRecordHeader.Size..];
            fragment[bit / 8] ^= (byte)(1 << (bit % 8)); // explicit nonce, ciphertext and tag alike
            Assert.False(protection.TryOpen(header, fragment, plaintext, out var written));
            Assert.Equal(0, written);
        }
    }

    [Fact]
    public void WrongKeyOrIvFails()
    {
        var record = Convert.FromHexString(Record128);
        Assert.True(DtlsRecordHeader.TryParse(record, out var header));
        var plaintext = new byte[64];
        using var otherKey = new GcmRecordProtection(Key128.Reverse().ToArray(), Iv128);
        Assert.False(otherKey.TryOpen(header, record.AsSpan(DtlsRecordHeader.Size), plaintext, out _));
        using var otherIv = new GcmRecordProtection(Key128, Iv256);
        Assert.False(otherIv.TryOpen(header, record.AsSpan(DtlsRecordHeader.Size), plaintext, out _));
    }

    [Fact]
    public void ShortFragmentFails()
    {
        using var protection = new GcmRecordProtection(Key128, Iv128);
        var record = Convert.FromHexString(Record128);
        var plaintext = new byte[64];
        for (var length = 0; length < record.Length - DtlsRecordHeader.Size; length++)
        {
            var header = new DtlsRecordHeader(DtlsContentType.ApplicationData, DtlsRecordHeader.Dtls12, 1, 5, length);
            Assert.False(protection.TryOpen(header, record.AsSpan(DtlsRecordHeader.Size, length), plaintext, out _));
        }
    }

    [Fact]
    public void TooSmallPlaintextBufferFails()
    {
        using var protection = new GcmRecordProtection(Key128, Iv128);
        var record = Convert.FromHexString(Record128);
        Assert.True(DtlsRecordHeader.TryParse(record, out var header));
        Assert.False(protection.TryOpen(header, record.AsSpan(DtlsRecordHeader.Size), new byte[10], out _));
        Assert.True(protection.TryOpen(header, record.AsSpan(DtlsRecordHeader.Size), new byte[11], out var written));
        Assert.Equal(11, written);
    }

    [Fact]
    public void OversizedPlaintextIsRefused()
    {
        using var protection = new GcmRecordProtection(Key128, Iv128);
        var plaintext = new byte[GcmRecordProtection.MaxPlaintextLength + 1];
        var record = new byte[GcmRecordProtection.RecordLength(plaintext.Length)];
        Assert.Throws<ArgumentException>(() => protection.Seal(DtlsContentType.ApplicationData, DtlsRecordHeader.Dtls12, 1, 0, plaintext, record));
        // A peer's record that big (RFC 5246 §6.2.1) is dropped without trying the tag.
        var header = new DtlsRecordHeader(DtlsContentType.ApplicationData, DtlsRecordHeader.Dtls12, 1, 0, record.Length - DtlsRecordHeader.Size);
        Assert.False(protection.TryOpen(header, record.AsSpan(DtlsRecordHeader.Size), new byte[record.Length], out _));
    }

    [Fact]
    public void CallerMistakesThrow()
    {
        Assert.Throws<ArgumentException>(() => new GcmRecordProtection(new byte[15], Iv128));
        Assert.Throws<ArgumentException>(() => new GcmRecordProtection(new byte[24], Iv128));
        Assert.Throws<ArgumentException>(() => new GcmRecordProtection(Key128, new byte[3]));
        Assert.Throws<ArgumentException>(() => new GcmRecordProtection(Key128, new byte[12]));

        using var protection = new GcmRecordProtection(Key128, Iv128);
        Assert.Throws<ArgumentException>(() => protection.Seal(DtlsContentType.ApplicationData, DtlsRecordHeader.Dtls12, 1, 0, new byte[10], new byte[13 + 24 + 9]));
        Assert.Throws<ArgumentOutOfRangeException>(() => protection.Seal(DtlsContentType.ApplicationData, DtlsRecordHeader.Dtls12, 1,
            DtlsRecordHeader.MaxSequenceNumber + 1, new byte[10], new byte[100]));

        var record = Convert.FromHexString(Record128);
        Assert.True(DtlsRecordHeader.TryParse(record, out var header));
        Assert.Throws<ArgumentException>(() => protection.TryOpen(header, record.AsSpan(DtlsRecordHeader.Size), record.AsSpan(20), out _));
    }

    [Fact]
    public void RandomFragmentsNeverThrow()
    {
        using var protection = new GcmRecordProtection(Key256, Iv256);
        var random = new Random(5288);
        var fragment = new byte[80];
        var plaintext = new byte[80];
        for (var i = 0; i < 2_000; i++)
        {
            random.NextBytes(fragment);
            var length = random.Next(fragment.Length + 1);
            var header = new DtlsRecordHeader((DtlsContentType)random.Next(20, 24), DtlsRecordHeader.Dtls12, 1, random.Next(), random.Next(4) == 0 ? random.Next(100) : length);
            Assert.False(protection.TryOpen(header, fragment.AsSpan(0, length), plaintext, out var written));
            Assert.Equal(0, written);
        }
    }
}
