using System.Security.Cryptography;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace WebRtcPS.Engine.Dtls;

/// <summary>A peer's X.509 certificate as BouncyCastle parses it, with ECDSA signatures
/// (ServerKeyExchange, CertificateVerify: RFC 8422 §5.4, §5.8) verified by .NET's <see cref="ECDsa"/>;
/// other algorithms stay BouncyCastle's.</summary>
internal sealed class DotNetTlsCertificate(BcTlsCrypto crypto, byte[] encoding) : BcTlsCertificate(crypto, encoding)
{
    public override TlsVerifier CreateVerifier(short signatureAlgorithm)
    {
        if (signatureAlgorithm != SignatureAlgorithm.ecdsa) return base.CreateVerifier(signatureAlgorithm);
        ValidateKeyUsage(Org.BouncyCastle.Asn1.X509.KeyUsage.DigitalSignature);
        ECDsa key;
        try
        {
            key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(m_keyInfo.GetEncoded(), out _);
        }
        catch (CryptographicException)
        {
            // A curve .NET does not know (or not an EC key): BouncyCastle decides.
            return base.CreateVerifier(signatureAlgorithm);
        }
        return new Verifier(key);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BouncyCastle's TlsVerifier has no disposal hook: the key is disposed after its one verification.")]
    private sealed class Verifier(ECDsa key) : TlsVerifier
    {
        public TlsStreamVerifier? GetStreamVerifier(DigitallySigned digitallySigned) => null;

        public bool VerifyRawSignature(DigitallySigned digitallySigned, byte[] hash)
        {
            var algorithm = digitallySigned.Algorithm;
            if (algorithm is not null && algorithm.Signature != SignatureAlgorithm.ecdsa)
                throw new InvalidOperationException("Invalid algorithm: " + algorithm);
            // TLS 1.0/1.1 sign the MD5||SHA-1 pair and ECDSA takes only the SHA-1 part (RFC 4492 §5.4);
            // DTLS 1.2 always names the hash.
            var digest = algorithm is null ? hash.AsSpan(16, 20) : hash.AsSpan();
            try
            {
                return key.VerifyHash(digest, digitallySigned.Signature, DSASignatureFormat.Rfc3279DerSequence);
            }
            finally
            {
                key.Dispose();
            }
        }
    }
}
