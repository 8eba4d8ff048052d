using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.Agreement;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using WebRtcPS.Engine.Dtls;

namespace WebRtcPS.Engine.Tests.Dtls;

public class KxEcdheTests
{
    /// <summary>Each group with .NET's key and, where the engine uses it (Linux), OpenSSL's.</summary>
    public static TheoryData<ushort, int, bool> Groups
    {
        get
        {
            var data = new TheoryData<ushort, int, bool>();
            foreach (var libCrypto in EcBackends.All)
            {
                data.Add(23, 32, libCrypto);
                data.Add(24, 48, libCrypto);
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Groups))]
    public void Two_keys_agree_on_a_field_length_secret(ushort group, int fieldLength, bool libCrypto)
    {
        using var a = EcdheKey.Generate(group, libCrypto);
        using var b = EcdheKey.Generate(group, libCrypto);

        Assert.Equal(group, a.NamedGroup);
        Assert.Equal(1 + 2 * fieldLength, a.PublicPoint.Length);
        Assert.Equal(0x04, a.PublicPoint[0]);
        Assert.True(a.TryDeriveSecret(b.PublicPoint, out var secretA));
        Assert.True(b.TryDeriveSecret(a.PublicPoint, out var secretB));
        Assert.Equal(fieldLength, secretA.Length);
        Assert.Equal(secretA, secretB);
        Assert.NotEqual(a.PublicPoint, b.PublicPoint);
    }

    [Theory]
    [InlineData(23, "secp256r1")]
    [InlineData(24, "secp384r1")]
    public void The_secret_agrees_with_BouncyCastles_ECDH(ushort group, string curveName)
    {
        foreach (var libCrypto in EcBackends.All)
            AgreesWithBouncyCastle(group, curveName, libCrypto);
    }

    private static void AgreesWithBouncyCastle(ushort group, string curveName, bool libCrypto)
    {
        var curve = ECNamedCurveTable.GetByName(curveName);
        var domain = new ECDomainParameters(curve);
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(domain, new SecureRandom()));
        var pair = generator.GenerateKeyPair();
        var bcPoint = ((ECPublicKeyParameters)pair.Public).Q.GetEncoded(false);
        using var ours = EcdheKey.Generate(group, libCrypto);

        Assert.True(ours.TryDeriveSecret(bcPoint, out var secret));

        var agreement = new ECDHBasicAgreement();
        agreement.Init(pair.Private);
        var peer = new ECPublicKeyParameters(curve.Curve.DecodePoint(ours.PublicPoint), domain);
        var expected = Org.BouncyCastle.Utilities.BigIntegers.AsUnsignedByteArray(agreement.GetFieldSize(), agreement.CalculateAgreement(peer));
        Assert.Equal(expected, secret);
    }

    [Theory]
    [MemberData(nameof(Groups))]
    public void Points_that_are_not_uncompressed_points_on_the_curve_are_refused(ushort group, int fieldLength, bool libCrypto)
    {
        using var key = EcdheKey.Generate(group, libCrypto);
        using var other = EcdheKey.Generate(group);
        var good = other.PublicPoint;

        var compressed = good[..(1 + fieldLength)];
        compressed[0] = (byte)(0x02 | (good[^1] & 1));
        var offCurve = (byte[])good.Clone();
        offCurve[^1] ^= 0x01;
        var prefix02 = (byte[])good.Clone();
        prefix02[0] = 0x02;
        var zeroPoint = new byte[good.Length];
        zeroPoint[0] = 0x04;
        var allOnes = Enumerable.Repeat((byte)0xFF, good.Length).ToArray();
        allOnes[0] = 0x04; // coordinates above p
        using var otherCurve = EcdheKey.Generate(group == 23 ? (ushort)24 : (ushort)23);

        foreach (var bad in new[] { compressed, offCurve, prefix02, zeroPoint, new byte[good.Length], allOnes, otherCurve.PublicPoint, [], [0x04], [.. good, 0x00] })
        {
            Assert.False(key.TryDeriveSecret(bad, out var secret));
            Assert.Empty(secret);
        }
        for (var length = 0; length < good.Length; length++)
            Assert.False(key.TryDeriveSecret(good.AsSpan(0, length), out _));
        Assert.True(key.TryDeriveSecret(good, out _)); // the key still works after the refusals
    }

    [Theory]
    [InlineData(23)]
    [InlineData(24)]
    public void OpenSSLs_key_and_NETs_agree_on_the_secret(ushort group)
    {
        if (!LibCryptoEc.IsAvailable) return;
        using var native = EcdheKey.Generate(group, libCrypto: true);
        using var managed = EcdheKey.Generate(group, libCrypto: false);

        Assert.True(native.TryDeriveSecret(managed.PublicPoint, out var one));
        Assert.True(managed.TryDeriveSecret(native.PublicPoint, out var two));
        Assert.Equal(one, two);
    }

    [Fact]
    public void Only_secp256r1_and_secp384r1_are_supported()
    {
        Assert.True(EcdheKey.IsSupported(23));
        Assert.True(EcdheKey.IsSupported(24));
        Assert.False(EcdheKey.IsSupported(25));
        Assert.False(EcdheKey.IsSupported(29)); // x25519
        Assert.Throws<ArgumentOutOfRangeException>(() => EcdheKey.Generate(29));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_disposed_key_cannot_derive(bool libCrypto)
    {
        if (libCrypto && !LibCryptoEc.IsAvailable) return;
        var key = EcdheKey.Generate(23, libCrypto);
        using var other = EcdheKey.Generate(23);
        key.Dispose();
        Assert.Throws<ObjectDisposedException>(() => key.TryDeriveSecret(other.PublicPoint, out _));
    }
}
