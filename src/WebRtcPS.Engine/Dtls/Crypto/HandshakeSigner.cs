using System.Security.Cryptography;

namespace WebRtcPS.Engine.Dtls;

/// <summary>
/// Our handshake signatures (ServerKeyExchange, CertificateVerify) with the local certificate's key
/// (<see cref="RTCCertificate.Key"/>, P-256): ECDSA, DER-encoded <c>Ecdsa-Sig-Value</c> (RFC 8422 §5.4).
/// </summary>
/// <remarks>One <see cref="RTCCertificate"/> may serve many transports at once and the platform key
/// object makes no thread-safety promise, so signatures with one key are serialized on it.</remarks>
internal static class HandshakeSigner
{
    /// <summary>Signs <paramref name="data"/> with the hash of <paramref name="signatureScheme"/>
    /// (<see cref="TlsSignatureScheme.EcdsaSha256"/>, <c>EcdsaSha384</c> or <c>EcdsaSha512</c>).</summary>
    public static byte[] Sign(ECDsa key, ushort signatureScheme, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(key);
        var hash = EcdsaHash(signatureScheme);
        lock (key) return key.SignData(data, hash, DSASignatureFormat.Rfc3279DerSequence);
    }

    /// <summary>As <see cref="Sign"/>, over a hash already computed with the scheme's hash (e.g. a
    /// CertificateVerify over <see cref="HandshakeTranscript.CurrentHash(HashAlgorithmName)"/>).</summary>
    public static byte[] SignHash(ECDsa key, ushort signatureScheme, ReadOnlySpan<byte> hash)
    {
        ArgumentNullException.ThrowIfNull(key);
        var hashName = EcdsaHash(signatureScheme);
        var expected = hashName == HashAlgorithmName.SHA256 ? 32 : hashName == HashAlgorithmName.SHA384 ? 48 : 64;
        if (hash.Length != expected)
            throw new ArgumentException($"A {hashName} hash is {expected} bytes.", nameof(hash));
        lock (key) return key.SignHash(hash, DSASignatureFormat.Rfc3279DerSequence);
    }

    private static HashAlgorithmName EcdsaHash(ushort signatureScheme) =>
        TlsSignatureScheme.IsEcdsa(signatureScheme) && TlsSignatureScheme.TryGetHash(signatureScheme, out var hash)
            ? hash
            : throw new ArgumentOutOfRangeException(nameof(signatureScheme), signatureScheme, "Not an ECDSA signature scheme.");
}
