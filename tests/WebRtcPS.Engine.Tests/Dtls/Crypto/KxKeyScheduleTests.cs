using System.Security.Cryptography;
using WebRtcPS.Engine.Dtls;

namespace WebRtcPS.Engine.Tests.Dtls;

public class KxKeyScheduleTests
{
    private static readonly byte[] ClientRandom = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] ServerRandom = RandomNumberGenerator.GetBytes(32);

    public static TheoryData<int> Suites => [0, 1];

    [Theory]
    [MemberData(nameof(Suites))]
    public void The_master_secret_agrees_with_BouncyCastle(int suite)
    {
        var (hash, prf) = KxPrfTests.Hashes[suite];
        var premaster = RandomNumberGenerator.GetBytes(32 + 16 * suite);

        var master = TlsKeySchedule.MasterSecret(hash, premaster, ClientRandom, ServerRandom);

        Assert.Equal(TlsKeySchedule.MasterSecretLength, master.Length);
        Assert.Equal(KxPrfTests.BcPrf(prf, premaster, "master secret", [.. ClientRandom, .. ServerRandom], 48), master);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void The_extended_master_secret_agrees_with_BouncyCastle(int suite)
    {
        var (hash, prf) = KxPrfTests.Hashes[suite];
        var premaster = RandomNumberGenerator.GetBytes(32);
        var sessionHash = RandomNumberGenerator.GetBytes(32 + 16 * suite);

        var master = TlsKeySchedule.ExtendedMasterSecret(hash, premaster, sessionHash);

        Assert.Equal(KxPrfTests.BcPrf(prf, premaster, "extended master secret", sessionHash, 48), master);
        Assert.NotEqual(TlsKeySchedule.MasterSecret(hash, premaster, ClientRandom, ServerRandom), master);
    }

    [Theory]
    [InlineData(0, 16)]
    [InlineData(0, 32)]
    [InlineData(1, 16)]
    [InlineData(1, 32)]
    public void The_key_block_is_server_random_first_and_split_keys_then_IVs(int suite, int keyLength)
    {
        var (hash, prf) = KxPrfTests.Hashes[suite];
        var master = RandomNumberGenerator.GetBytes(48);
        var expected = KxPrfTests.BcPrf(prf, master, "key expansion", [.. ServerRandom, .. ClientRandom], 2 * keyLength + 8);

        var keys = TlsKeySchedule.KeyBlock(hash, master, ClientRandom, ServerRandom, keyLength);

        // RFC 5246 §6.3 with empty MAC keys: client key, server key, client IV, server IV.
        Assert.Equal(expected[..keyLength], keys.ClientWriteKey);
        Assert.Equal(expected[keyLength..(2 * keyLength)], keys.ServerWriteKey);
        Assert.Equal(expected[(2 * keyLength)..(2 * keyLength + 4)], keys.ClientWriteIv);
        Assert.Equal(expected[(2 * keyLength + 4)..], keys.ServerWriteIv);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Verify_data_agrees_with_BouncyCastle_for_both_sides(int suite)
    {
        var (hash, prf) = KxPrfTests.Hashes[suite];
        var master = RandomNumberGenerator.GetBytes(48);
        var transcriptHash = RandomNumberGenerator.GetBytes(32 + 16 * suite);

        var client = TlsKeySchedule.VerifyData(hash, master, client: true, transcriptHash);
        var server = TlsKeySchedule.VerifyData(hash, master, client: false, transcriptHash);

        Assert.Equal(KxPrfTests.BcPrf(prf, master, "client finished", transcriptHash, 12), client);
        Assert.Equal(KxPrfTests.BcPrf(prf, master, "server finished", transcriptHash, 12), server);
        Assert.NotEqual(client, server);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void The_DTLS_SRTP_exporter_agrees_with_BouncyCastle(int suite)
    {
        var (hash, prf) = KxPrfTests.Hashes[suite];
        var master = RandomNumberGenerator.GetBytes(48);

        // SRTP_AES128_CM_HMAC_SHA1_80: 2 * (16 + 14) bytes (RFC 5764 §4.2).
        var material = TlsKeySchedule.ExportKeyingMaterial(hash, master, "EXTRACTOR-dtls_srtp", ClientRandom, ServerRandom, 60);

        Assert.Equal(KxPrfTests.BcPrf(prf, master, "EXTRACTOR-dtls_srtp", [.. ClientRandom, .. ServerRandom], 60), material);
    }

    [Fact]
    public void Wrong_lengths_from_the_caller_throw()
    {
        var master = new byte[48];
        Assert.Throws<ArgumentException>(() => TlsKeySchedule.MasterSecret(HashAlgorithmName.SHA256, master, new byte[31], ServerRandom));
        Assert.Throws<ArgumentException>(() => TlsKeySchedule.KeyBlock(HashAlgorithmName.SHA256, master, ClientRandom, new byte[33], 16));
        Assert.Throws<ArgumentOutOfRangeException>(() => TlsKeySchedule.KeyBlock(HashAlgorithmName.SHA256, master, ClientRandom, ServerRandom, 24));
        Assert.Throws<ArgumentOutOfRangeException>(() => TlsKeySchedule.ExportKeyingMaterial(HashAlgorithmName.SHA256, master, "l", ClientRandom, ServerRandom, -1));
    }
}
