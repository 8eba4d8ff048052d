using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using WebRtcPS.Engine.Dtls;

namespace WebRtcPS.Engine.Tests.Dtls;

public class KxSignatureTests
{
    private static readonly RTCCertificate Local = RTCCertificate.Generate();
    private static readonly RSA RsaKey = RSA.Create(2048);
    private static readonly byte[] RsaCertificate = SelfSigned(new CertificateRequest("CN=rsa", RsaKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    private static readonly byte[] Data = RandomNumberGenerator.GetBytes(300);

    /// <summary>EC keys in .NET, and in OpenSSL where the engine uses it (Linux).</summary>
    public static TheoryData<bool> Backends => new(EcBackends.All);

    [Theory]
    [InlineData(TlsSignatureScheme.EcdsaSha256, "SHA256", true, false)]
    [InlineData(TlsSignatureScheme.EcdsaSha384, "SHA384", true, false)]
    [InlineData(TlsSignatureScheme.EcdsaSha512, "SHA512", true, false)]
    [InlineData(TlsSignatureScheme.RsaPkcs1Sha256, "SHA256", false, true)]
    [InlineData(TlsSignatureScheme.RsaPkcs1Sha384, "SHA384", false, true)]
    [InlineData(TlsSignatureScheme.RsaPkcs1Sha512, "SHA512", false, true)]
    [InlineData(TlsSignatureScheme.RsaPssRsaeSha256, "SHA256", false, true)]
    [InlineData(TlsSignatureScheme.RsaPssRsaeSha384, "SHA384", false, true)]
    [InlineData(TlsSignatureScheme.RsaPssRsaeSha512, "SHA512", false, true)]
    public void Scheme_codes_name_their_hash_and_kind(ushort scheme, string hash, bool ecdsa, bool rsa)
    {
        Assert.True(TlsSignatureScheme.TryGetHash(scheme, out var name));
        Assert.Equal(hash, name.Name);
        Assert.Equal(ecdsa, TlsSignatureScheme.IsEcdsa(scheme));
        Assert.Equal(rsa, TlsSignatureScheme.IsRsa(scheme));
    }

    [Theory]
    [InlineData(0x0203)] // ecdsa_sha1
    [InlineData(0x0201)] // rsa_pkcs1_sha1
    [InlineData(0x0807)] // ed25519
    [InlineData(0x0809)] // rsa_pss_pss_sha256
    [InlineData(0x0000)]
    public void Other_codes_are_not_supported(ushort scheme)
    {
        Assert.False(TlsSignatureScheme.TryGetHash(scheme, out _));
        Assert.False(TlsSignatureScheme.IsEcdsa(scheme));
        Assert.False(TlsSignatureScheme.IsRsa(scheme));
    }

    [Theory]
    [InlineData(TlsSignatureScheme.EcdsaSha256)]
    [InlineData(TlsSignatureScheme.EcdsaSha384)]
    [InlineData(TlsSignatureScheme.EcdsaSha512)]
    public void Our_signature_verifies_with_the_key_of_our_certificate(ushort scheme)
    {
        foreach (var libCrypto in EcBackends.All)
            OurSignatureVerifies(scheme, libCrypto);
    }

    private static void OurSignatureVerifies(ushort scheme, bool libCrypto)
    {
        Assert.True(PeerPublicKey.TryCreate(Local.RawData.Span, libCrypto, out var key));
        using (key)
        {
            Assert.True(key!.IsEcdsa);
            Assert.False(key.IsRsa);
            var signature = HandshakeSigner.Sign(Local.Key, scheme, Data);

            Assert.Equal(0x30, signature[0]); // DER SEQUENCE { r, s }
            Assert.True(key.Verify(scheme, Data, signature));
            Assert.False(key.Verify(scheme, Data.AsSpan(1), signature));
            Assert.False(key.Verify(TlsSignatureScheme.RsaPkcs1Sha256, Data, signature));
            var otherHash = scheme == TlsSignatureScheme.EcdsaSha256 ? TlsSignatureScheme.EcdsaSha384 : TlsSignatureScheme.EcdsaSha256;
            Assert.False(key.Verify(otherHash, Data, signature));
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void A_tampered_or_malformed_ECDSA_signature_is_refused_without_throwing(bool libCrypto)
    {
        Assert.True(PeerPublicKey.TryCreate(Local.RawData.Span, libCrypto, out var key));
        using (key)
        {
            var signature = HandshakeSigner.Sign(Local.Key, TlsSignatureScheme.EcdsaSha256, Data);
            for (var i = 0; i < signature.Length; i++)
            {
                var tampered = (byte[])signature.Clone();
                tampered[i] ^= 0x40;
                Assert.False(key!.Verify(TlsSignatureScheme.EcdsaSha256, Data, tampered));
            }
            for (var length = 0; length < signature.Length; length++)
                Assert.False(key!.Verify(TlsSignatureScheme.EcdsaSha256, Data, signature.AsSpan(0, length)));
            Assert.False(key!.Verify(TlsSignatureScheme.EcdsaSha256, Data, [.. signature, 0]));
            Assert.False(key.Verify(TlsSignatureScheme.EcdsaSha256, Data, new byte[64])); // IEEE P1363, not DER
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void A_P384_certificate_verifies_its_keys_signatures(bool libCrypto)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var der = SelfSigned(new CertificateRequest("CN=p384", ecdsa, HashAlgorithmName.SHA384));
        Assert.True(PeerPublicKey.TryCreate(der, libCrypto, out var key));
        using (key)
        {
            var signature = HandshakeSigner.Sign(ecdsa, TlsSignatureScheme.EcdsaSha384, Data);
            Assert.True(key!.Verify(TlsSignatureScheme.EcdsaSha384, Data, signature));
            Assert.False(key.Verify(TlsSignatureScheme.EcdsaSha384, Data, HandshakeSigner.Sign(Local.Key, TlsSignatureScheme.EcdsaSha384, Data)));
        }
    }

    [Theory]
    [InlineData(TlsSignatureScheme.RsaPkcs1Sha256)]
    [InlineData(TlsSignatureScheme.RsaPkcs1Sha384)]
    [InlineData(TlsSignatureScheme.RsaPkcs1Sha512)]
    [InlineData(TlsSignatureScheme.RsaPssRsaeSha256)]
    [InlineData(TlsSignatureScheme.RsaPssRsaeSha384)]
    [InlineData(TlsSignatureScheme.RsaPssRsaeSha512)]
    public void RSA_PKCS1_and_PSS_signatures_verify_only_under_their_own_scheme(ushort scheme)
    {
        Assert.True(TlsSignatureScheme.TryGetHash(scheme, out var hash));
        var pss = scheme >= TlsSignatureScheme.RsaPssRsaeSha256;
        var signature = RsaKey.SignData(Data, hash, pss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1);
        Assert.True(PeerPublicKey.TryCreate(RsaCertificate, out var key));
        using (key)
        {
            Assert.True(key!.IsRsa);
            Assert.False(key.IsEcdsa);
            Assert.True(key.Verify(scheme, Data, signature));

            // The same hash with the other padding, an ECDSA code, a tampered signature: all refused.
            var otherPadding = (ushort)(pss ? (hash.Name switch { "SHA256" => 0x0401, "SHA384" => 0x0501, _ => 0x0601 })
                                             : (hash.Name switch { "SHA256" => 0x0804, "SHA384" => 0x0805, _ => 0x0806 }));
            Assert.False(key.Verify(otherPadding, Data, signature));
            Assert.False(key.Verify(TlsSignatureScheme.EcdsaSha256, Data, signature));
            var tampered = (byte[])signature.Clone();
            tampered[10] ^= 1;
            Assert.False(key.Verify(scheme, Data, tampered));
            Assert.False(key.Verify(scheme, Data, signature.AsSpan(1)));
            Assert.False(key.Verify(scheme, Data, []));
        }
    }

    [Theory]
    [InlineData(TlsSignatureScheme.RsaPkcs1Sha256)]
    [InlineData(TlsSignatureScheme.RsaPssRsaeSha512)]
    public void An_RSA_signature_shorter_than_the_modulus_is_refused_even_when_its_value_is_right(ushort scheme)
    {
        // RFC 8017 §8.2.2 step 1. A signature whose first octet is zero, without that octet, is
        // the same integer: OpenSSL alone would accept it (this test's flake, 1 run in 256).
        Assert.True(TlsSignatureScheme.TryGetHash(scheme, out var hash));
        var pss = scheme >= TlsSignatureScheme.RsaPssRsaeSha256;
        byte[] signature;
        var data = (byte[])Data.Clone();
        var attempts = 0;
        do
        {
            // PKCS#1 v1.5 is deterministic: vary the data until the signature starts with zero.
            if (!pss) BitConverter.TryWriteBytes(data, attempts);
            signature = RsaKey.SignData(data, hash, pss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1);
        }
        while (signature[0] != 0 && ++attempts < 20_000);
        Assert.Equal(0, signature[0]);
        Assert.True(PeerPublicKey.TryCreate(RsaCertificate, out var key));
        using (key)
        {
            Assert.True(key!.Verify(scheme, data, signature));
            Assert.False(key.Verify(scheme, data, signature.AsSpan(1)));
            Span<byte> digest = stackalloc byte[64];
            var length = CryptographicOperations.HashData(hash, data, digest);
            Assert.True(key.VerifyHash(scheme, digest[..length], signature));
            Assert.False(key.VerifyHash(scheme, digest[..length], signature.AsSpan(1)));
        }
    }

    [Fact]
    public void PSS_uses_a_salt_as_long_as_the_hash()
    {
        // .NET signs PSS with salt = hash length; BouncyCastle's PssSigner with a 32-byte salt must agree.
        var signer = new Org.BouncyCastle.Crypto.Signers.PssSigner(new Org.BouncyCastle.Crypto.Engines.RsaBlindedEngine(),
            new Org.BouncyCastle.Crypto.Digests.Sha256Digest(), 32);
        var p = RsaKey.ExportParameters(includePrivateParameters: true);
        static Org.BouncyCastle.Math.BigInteger N(byte[] b) => new(1, b);
        signer.Init(true, new Org.BouncyCastle.Crypto.Parameters.RsaPrivateCrtKeyParameters(N(p.Modulus!), N(p.Exponent!), N(p.D!),
            N(p.P!), N(p.Q!), N(p.DP!), N(p.DQ!), N(p.InverseQ!)));
        signer.BlockUpdate(Data, 0, Data.Length);
        var signature = signer.GenerateSignature();

        Assert.True(PeerPublicKey.TryCreate(RsaCertificate, out var key));
        using (key) Assert.True(key!.Verify(TlsSignatureScheme.RsaPssRsaeSha256, Data, signature));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void A_CertificateVerify_hash_from_the_transcript_signs_and_verifies(bool libCrypto)
    {
        using var transcript = new HandshakeTranscript();
        transcript.Append(Data);
        var hash = transcript.CurrentHash(HashAlgorithmName.SHA256);

        var signature = HandshakeSigner.SignHash(Local.Key, TlsSignatureScheme.EcdsaSha256, hash);

        Assert.True(PeerPublicKey.TryCreate(Local.RawData.Span, libCrypto, out var key));
        using (key)
        {
            Assert.True(key!.VerifyHash(TlsSignatureScheme.EcdsaSha256, hash, signature));
            Assert.True(key.Verify(TlsSignatureScheme.EcdsaSha256, Data, signature));
            Assert.False(key.VerifyHash(TlsSignatureScheme.EcdsaSha384, hash, signature)); // 32 bytes is no SHA-384
        }
        Assert.Throws<ArgumentException>(() => HandshakeSigner.SignHash(Local.Key, TlsSignatureScheme.EcdsaSha384, hash));
        Assert.Throws<ArgumentOutOfRangeException>(() => HandshakeSigner.Sign(Local.Key, TlsSignatureScheme.RsaPkcs1Sha256, Data));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Every_truncation_and_trailing_byte_of_a_certificate_is_refused(bool libCrypto)
    {
        foreach (var der in new[] { Local.RawData.ToArray(), RsaCertificate })
        {
            for (var length = 0; length < der.Length; length++)
                Assert.False(PeerPublicKey.TryCreate(der.AsSpan(0, length), libCrypto, out _));
            Assert.False(PeerPublicKey.TryCreate([.. der, 0], libCrypto, out var none));
            Assert.Null(none);
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Garbage_and_flipped_bytes_never_throw(bool libCrypto)
    {
        var random = new Random(5764);
        for (var i = 0; i < 500; i++)
        {
            var garbage = new byte[random.Next(400)];
            random.NextBytes(garbage);
            if (garbage.Length > 0 && i % 2 == 0) garbage[0] = 0x30;
            Assert.False(PeerPublicKey.TryCreate(garbage, libCrypto, out _));
        }
        var der = Local.RawData.ToArray();
        for (var i = 0; i < der.Length; i++)
        {
            var flipped = (byte[])der.Clone();
            flipped[i] ^= (byte)(1 << (i % 8));
            if (PeerPublicKey.TryCreate(flipped, libCrypto, out var key)) key!.Dispose(); // a flip in a name or the signature still parses
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Keys_of_other_curves_are_not_supported(bool libCrypto)
    {
        using var p521 = ECDsa.Create(ECCurve.NamedCurves.nistP521);
        Assert.False(PeerPublicKey.TryCreate(SelfSigned(new CertificateRequest("CN=p521", p521, HashAlgorithmName.SHA512)), libCrypto, out var key));
        Assert.Null(key);
    }

    [Fact]
    public void On_Linux_the_EC_keys_are_OpenSSLs_own()
    {
        // The fast path is the default where it exists; if libcrypto were missing here, every
        // handshake would pay .NET's key checks (Dtls/Crypto/LibCryptoEc.cs).
        Assert.Equal(OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable("WRTC_LIBCRYPTO_EC") != "0", LibCryptoEc.IsAvailable);
    }

    [Fact]
    public void OpenSSLs_and_NETs_verification_agree_on_every_bit_flip_of_a_signature()
    {
        if (!LibCryptoEc.IsAvailable) return;
        Assert.True(PeerPublicKey.TryCreate(Local.RawData.Span, libCrypto: true, out var native));
        Assert.True(PeerPublicKey.TryCreate(Local.RawData.Span, libCrypto: false, out var managed));
        using (native)
        using (managed)
        {
            var signature = HandshakeSigner.Sign(Local.Key, TlsSignatureScheme.EcdsaSha256, Data);
            Assert.True(native!.Verify(TlsSignatureScheme.EcdsaSha256, Data, signature));
            for (var bit = 0; bit < signature.Length * 8; bit++)
            {
                var flipped = (byte[])signature.Clone();
                flipped[bit / 8] ^= (byte)(1 << (bit % 8));
                Assert.Equal(managed!.Verify(TlsSignatureScheme.EcdsaSha256, Data, flipped), native.Verify(TlsSignatureScheme.EcdsaSha256, Data, flipped));
            }
        }
    }

    private static byte[] SelfSigned(CertificateRequest request)
    {
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return certificate.RawData;
    }
}
