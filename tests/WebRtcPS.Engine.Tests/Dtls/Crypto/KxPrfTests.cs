using System.Security.Cryptography;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using WebRtcPS.Engine.Dtls;

namespace WebRtcPS.Engine.Tests.Dtls;

public class KxPrfTests
{
    // The TLS 1.2 PRF vectors posted to the IETF TLS list (msg03416), used by GnuTLS, OpenSSL and others.
    [Fact]
    public void P_SHA256_matches_the_IETF_test_label_vector()
    {
        var output = new byte[100];
        TlsPrf.Derive(HashAlgorithmName.SHA256, Convert.FromHexString("9bbe436ba940f017b17652849a71db35"), "test label",
            Convert.FromHexString("a0ba9f936cda311827a6f796ffd5198c"), output);

        Assert.Equal(
            "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af"
            + "0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66",
            Convert.ToHexStringLower(output));
    }

    [Fact]
    public void P_SHA384_matches_the_IETF_test_label_vector()
    {
        var output = new byte[148];
        TlsPrf.Derive(HashAlgorithmName.SHA384, Convert.FromHexString("b80b733d6ceefcdc71566ea48e5567df"), "test label",
            Convert.FromHexString("cd665cf6a8447dd6ff8b27555edb7465"), output);

        Assert.Equal(
            "7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82b1233c9146a0"
            + "e534cb400fed2700884f9dc236f80edd8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d918425"
            + "9b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee691c8f3a26854308d5eaa3be85e0990703d73e56f",
            Convert.ToHexStringLower(output));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(12)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(48)]
    [InlineData(49)]
    [InlineData(72)]
    [InlineData(97)]
    [InlineData(200)]
    public void Agrees_with_BouncyCastle_for_every_length_around_the_block_sizes(int length)
    {
        var random = new Random(length);
        foreach (var (hash, prf) in Hashes)
        {
            var secret = new byte[1 + random.Next(64)];
            var seed = new byte[random.Next(80)];
            random.NextBytes(secret);
            random.NextBytes(seed);
            var output = new byte[length];

            TlsPrf.Derive(hash, secret, "some label", seed, output);

            Assert.Equal(BcPrf(prf, secret, "some label", seed, length), output);
        }
    }

    [Fact]
    public void A_shorter_output_is_a_prefix_of_a_longer_one()
    {
        var secret = RandomNumberGenerator.GetBytes(48);
        var seed = RandomNumberGenerator.GetBytes(64);
        var full = new byte[150];
        TlsPrf.Derive(HashAlgorithmName.SHA384, secret, "key expansion", seed, full);
        for (var length = 0; length < full.Length; length += 7)
        {
            var part = new byte[length];
            TlsPrf.Derive(HashAlgorithmName.SHA384, secret, "key expansion", seed, part);
            Assert.Equal(full.AsSpan(0, length).ToArray(), part);
        }
    }

    [Fact]
    public void An_empty_secret_and_seed_work()
    {
        var output = new byte[40];
        TlsPrf.Derive(HashAlgorithmName.SHA256, [], "x", [], output);
        Assert.Equal(BcPrf(PrfAlgorithm.tls_prf_sha256, [], "x", [], 40), output);
    }

    [Fact]
    public void Other_hashes_and_non_ASCII_labels_are_refused()
    {
        var output = new byte[12];
        Assert.Throws<ArgumentOutOfRangeException>(() => TlsPrf.Derive(HashAlgorithmName.SHA1, [1], "l", [], output));
        Assert.Throws<ArgumentOutOfRangeException>(() => TlsPrf.Derive(HashAlgorithmName.SHA512, [1], "l", [], output));
        Assert.Throws<ArgumentException>(() => TlsPrf.Derive(HashAlgorithmName.SHA256, [1], "lab\u00e9l", [], output));
    }

    internal static readonly (HashAlgorithmName Hash, int Prf)[] Hashes =
        [(HashAlgorithmName.SHA256, PrfAlgorithm.tls_prf_sha256), (HashAlgorithmName.SHA384, PrfAlgorithm.tls_prf_sha384)];

    /// <summary>BouncyCastle's TLS 1.2 PRF, the independent reference.</summary>
    internal static byte[] BcPrf(int prfAlgorithm, byte[] secret, string label, byte[] seed, int length) =>
        new BcTlsCrypto(new SecureRandom()).CreateSecret(secret).DeriveUsingPrf(prfAlgorithm, label, seed, length).Extract();
}
