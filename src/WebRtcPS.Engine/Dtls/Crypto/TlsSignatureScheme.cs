using System.Security.Cryptography;

namespace WebRtcPS.Engine.Dtls;

/// <summary>
/// TLS 1.2 SignatureAndHashAlgorithm values as one 16-bit code, hash byte first (RFC 5246
/// §7.4.1.4.1), and the RSASSA-PSS codes TLS 1.2 peers offer too (RFC 8446 §4.2.3, usable in TLS
/// 1.2 by RFC 8446 §1.3). In TLS 1.2 an ECDSA code names only the hash: the curve is the certificate's.
/// </summary>
internal static class TlsSignatureScheme
{
    public const ushort EcdsaSha256 = 0x0403, EcdsaSha384 = 0x0503, EcdsaSha512 = 0x0603, RsaPkcs1Sha256 = 0x0401,
        RsaPkcs1Sha384 = 0x0501, RsaPkcs1Sha512 = 0x0601, RsaPssRsaeSha256 = 0x0804, RsaPssRsaeSha384 = 0x0805, RsaPssRsaeSha512 = 0x0806;

    /// <summary>The hash a supported scheme signs with; false for any other code (SHA-1 and MD5 ones included).</summary>
    public static bool TryGetHash(ushort scheme, out HashAlgorithmName hash)
    {
        hash = scheme switch
        {
            EcdsaSha256 or RsaPkcs1Sha256 or RsaPssRsaeSha256 => HashAlgorithmName.SHA256,
            EcdsaSha384 or RsaPkcs1Sha384 or RsaPssRsaeSha384 => HashAlgorithmName.SHA384,
            EcdsaSha512 or RsaPkcs1Sha512 or RsaPssRsaeSha512 => HashAlgorithmName.SHA512,
            _ => default,
        };
        return hash != default;
    }

    public static bool IsEcdsa(ushort scheme) => scheme is EcdsaSha256 or EcdsaSha384 or EcdsaSha512;

    public static bool IsRsa(ushort scheme) => IsRsaPkcs1(scheme) || IsRsaPss(scheme);

    /// <summary>RSASSA-PKCS1-v1_5 (RFC 5246 §4.7).</summary>
    public static bool IsRsaPkcs1(ushort scheme) => scheme is RsaPkcs1Sha256 or RsaPkcs1Sha384 or RsaPkcs1Sha512;

    /// <summary>RSASSA-PSS with an rsaEncryption key, salt as long as the hash (RFC 8446 §4.2.3).</summary>
    public static bool IsRsaPss(ushort scheme) => scheme is RsaPssRsaeSha256 or RsaPssRsaeSha384 or RsaPssRsaeSha512;
}
