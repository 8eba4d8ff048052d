using System.Security.Cryptography;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;

namespace WebRtcPS.Engine.Dtls;

/// <summary>Our ECDSA signatures (ServerKeyExchange, CertificateVerify) by .NET's <see cref="ECDsa"/>
/// with the certificate's key: DER-encoded (r, s) over the hash BouncyCastle computed (RFC 8422 §5.4).</summary>
/// <remarks>One <see cref="RTCCertificate"/> (and its key) may serve many transports at once; the
/// platform key object makes no thread-safety promise, so signatures with it are serialized.</remarks>
internal sealed class DotNetEcdsaSigner(ECDsa key) : TlsSigner
{
    public byte[] GenerateRawSignature(SignatureAndHashAlgorithm algorithm, byte[] hash)
    {
        if (algorithm is not null && algorithm.Signature != SignatureAlgorithm.ecdsa)
            throw new InvalidOperationException("Invalid algorithm: " + algorithm);
        var digest = algorithm is null ? hash.AsSpan(16, 20) : hash.AsSpan();
        try
        {
            lock (key) return key.SignHash(digest, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException ex)
        {
            throw new TlsFatalAlert(AlertDescription.internal_error, ex);
        }
    }

    public TlsStreamSigner? GetStreamSigner(SignatureAndHashAlgorithm algorithm) => null;
}
