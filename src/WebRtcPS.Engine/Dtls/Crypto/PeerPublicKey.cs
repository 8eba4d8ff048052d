using System.Formats.Asn1;
using System.Security.Cryptography;

namespace WebRtcPS.Engine.Dtls;

/// <summary>
/// The public key of the peer's end-entity certificate (the first of a Certificate message, RFC 5246
/// §7.4.2), to check its ServerKeyExchange or CertificateVerify signature. The DER is read only as
/// far as subjectPublicKeyInfo (RFC 5280 §4.1), with <see cref="AsnDecoder"/> rather than
/// X509Certificate2, which would load .NET's whole X.509 stack (~2.5 MiB of resident set) for a key.
/// Nothing else of the certificate is checked here: WebRTC authenticates it by the SDP fingerprint
/// of the same bytes (RFC 8827 §6.5). EC keys on P-256 or P-384, and RSA keys. On Linux an EC key
/// is OpenSSL's own (<see cref="LibCryptoEc"/>: .NET's import alone cost more than the verification).
/// </summary>
internal sealed class PeerPublicKey : IDisposable
{
    private const AsnEncodingRules Der = AsnEncodingRules.DER;
    private const string IdEcPublicKey = "1.2.840.10045.2.1", Prime256v1 = "1.2.840.10045.3.1.7", Secp384r1 = "1.3.132.0.34";
    private const string RsaEncryption = "1.2.840.113549.1.1.1";
    private const int MinRsaBits = 1024, MaxRsaBits = 16384;

    private static readonly Asn1Tag ExplicitVersion = new(TagClass.ContextSpecific, 0, isConstructed: true);

    private readonly ECDsa? _ecdsa;
    private readonly LibCryptoEcKey? _native;
    private readonly RSA? _rsa;
    private bool _disposed;

    private PeerPublicKey(ECDsa? ecdsa, LibCryptoEcKey? native, RSA? rsa)
    {
        _ecdsa = ecdsa;
        _native = native;
        _rsa = rsa;
    }

    public bool IsEcdsa => _ecdsa is not null || _native is not null;

    public bool IsRsa => _rsa is not null;

    /// <summary>The key of <paramref name="derCertificate"/>; false (never an exception) when the DER is
    /// malformed, has trailing bytes, or holds a key of another kind or curve.</summary>
    public static bool TryCreate(ReadOnlySpan<byte> derCertificate, out PeerPublicKey? key) =>
        TryCreate(derCertificate, LibCryptoEc.IsAvailable, out key);

    /// <summary>As <see cref="TryCreate(ReadOnlySpan{byte}, out PeerPublicKey?)"/>, with an EC key in
    /// OpenSSL (only where <see cref="LibCryptoEc.IsAvailable"/>) or in .NET: the tests run both.</summary>
    internal static bool TryCreate(ReadOnlySpan<byte> derCertificate, bool libCrypto, out PeerPublicKey? key)
    {
        key = null;
        try
        {
            var spki = FindSubjectPublicKeyInfo(derCertificate);
            key = ImportKey(spki, libCrypto);
            return key is not null;
        }
        catch (Exception ex) when (ex is AsnContentException or CryptographicException)
        {
            return false;
        }
    }

    /// <summary>
    /// Verifies a TLS 1.2 digitally-signed struct (RFC 5246 §4.7) over <paramref name="data"/>: ECDSA
    /// signatures are DER <c>Ecdsa-Sig-Value</c> (RFC 8422 §5.4), RSA ones PKCS#1 v1.5 or PSS with the
    /// salt as long as the hash (RFC 8446 §4.2.3). False, never an exception, for a scheme that does
    /// not fit the key, a malformed signature or a wrong one.
    /// </summary>
    public bool Verify(ushort signatureScheme, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!TlsSignatureScheme.TryGetHash(signatureScheme, out var hash)) return false;
        if (_native is not null)
        {
            if (!TlsSignatureScheme.IsEcdsa(signatureScheme)) return false;
            Span<byte> digest = stackalloc byte[64];
            var length = CryptographicOperations.HashData(hash, data, digest);
            return LibCryptoEc.VerifyHash(_native, digest[..length], signature);
        }
        try
        {
            if (_ecdsa is not null)
                return TlsSignatureScheme.IsEcdsa(signatureScheme)
                    && _ecdsa.VerifyData(data, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
            return _rsa is not null && RsaPadding(signatureScheme) is { } padding && IsModulusLength(signature)
                && _rsa.VerifyData(data, signature, hash, padding);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>As <see cref="Verify"/>, over a hash already computed with the scheme's hash
    /// (e.g. <see cref="HandshakeTranscript.CurrentHash(HashAlgorithmName)"/> for a CertificateVerify);
    /// false when its length is not that hash's.</summary>
    public bool VerifyHash(ushort signatureScheme, ReadOnlySpan<byte> hash, ReadOnlySpan<byte> signature)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!TlsSignatureScheme.TryGetHash(signatureScheme, out var hashName)) return false;
        if (hash.Length != HashLength(hashName)) return false;
        if (_native is not null)
            return TlsSignatureScheme.IsEcdsa(signatureScheme) && LibCryptoEc.VerifyHash(_native, hash, signature);
        try
        {
            if (_ecdsa is not null)
                return TlsSignatureScheme.IsEcdsa(signatureScheme)
                    && _ecdsa.VerifyHash(hash, signature, DSASignatureFormat.Rfc3279DerSequence);
            return _rsa is not null && RsaPadding(signatureScheme) is { } padding && IsModulusLength(signature)
                && _rsa.VerifyHash(hash, signature, hashName, padding);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _ecdsa?.Dispose();
        _native?.Dispose();
        _rsa?.Dispose();
    }

    /// <summary>RFC 8017 §8.1.2 and §8.2.2, step 1: an RSA signature is exactly k octets, k the
    /// modulus length (OpenSSL takes a shorter one as the same integer: one signature in 256 starts
    /// with a zero octet, and without it would verify too).</summary>
    private bool IsModulusLength(ReadOnlySpan<byte> signature) => signature.Length == (_rsa!.KeySize + 7) / 8;

    private static RSASignaturePadding? RsaPadding(ushort scheme) =>
        TlsSignatureScheme.IsRsaPkcs1(scheme) ? RSASignaturePadding.Pkcs1
        : TlsSignatureScheme.IsRsaPss(scheme) ? RSASignaturePadding.Pss // .NET's PSS: MGF1 with the same hash, salt = hash length
        : null;

    private static int HashLength(HashAlgorithmName hash) =>
        hash == HashAlgorithmName.SHA256 ? 32 : hash == HashAlgorithmName.SHA384 ? 48 : 64;

    /// <summary>
    /// <code>
    /// Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm AlgorithmIdentifier, signatureValue BIT STRING }
    /// TBSCertificate ::= SEQUENCE { version [0] EXPLICIT OPTIONAL, serialNumber INTEGER, signature AlgorithmIdentifier,
    ///     issuer Name, validity Validity, subject Name, subjectPublicKeyInfo SubjectPublicKeyInfo, ... }
    /// </code>
    /// (RFC 5280 §4.1); returns the whole subjectPublicKeyInfo TLV. Throws <see cref="AsnContentException"/> on malformed DER.
    /// </summary>
    private static ReadOnlySpan<byte> FindSubjectPublicKeyInfo(ReadOnlySpan<byte> der)
    {
        var rest = der;
        ReadTlv(ref rest, Asn1Tag.Sequence, out var certificate);
        EnsureEmpty(rest);

        ReadTlv(ref certificate, Asn1Tag.Sequence, out var tbs);
        ReadTlv(ref certificate, Asn1Tag.Sequence, out _);            // signatureAlgorithm
        ReadTlv(ref certificate, Asn1Tag.PrimitiveBitString, out _);  // signatureValue
        EnsureEmpty(certificate);

        if (!tbs.IsEmpty && Asn1Tag.Decode(tbs, out _) == ExplicitVersion)
            ReadTlv(ref tbs, ExplicitVersion, out _);
        ReadTlv(ref tbs, Asn1Tag.Integer, out _);   // serialNumber
        ReadTlv(ref tbs, Asn1Tag.Sequence, out _);  // signature
        ReadTlv(ref tbs, Asn1Tag.Sequence, out _);  // issuer
        ReadTlv(ref tbs, Asn1Tag.Sequence, out _);  // validity
        ReadTlv(ref tbs, Asn1Tag.Sequence, out _);  // subject
        return ReadTlv(ref tbs, Asn1Tag.Sequence, out _);
    }

    /// <summary>SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING } (RFC 5280 §4.1.2.7):
    /// id-ecPublicKey with a namedCurve of P-256 or P-384 (RFC 5480 §2.1.1), or rsaEncryption (RFC 3279 §2.3.1).</summary>
    private static PeerPublicKey? ImportKey(ReadOnlySpan<byte> spki, bool libCrypto)
    {
        var rest = spki;
        ReadTlv(ref rest, Asn1Tag.Sequence, out var info);
        ReadTlv(ref info, Asn1Tag.Sequence, out var algorithm);
        var oid = AsnDecoder.ReadObjectIdentifier(algorithm, Der, out var read);
        algorithm = algorithm[read..];

        if (oid == IdEcPublicKey)
        {
            if (algorithm.IsEmpty) return null; // implicit or specified curves are not for TLS (RFC 8422 §5.1.1)
            var curve = AsnDecoder.ReadObjectIdentifier(algorithm, Der, out read);
            if (read != algorithm.Length) return null;
            var bits = curve switch { Prime256v1 => 256, Secp384r1 => 384, _ => 0 };
            if (bits == 0) return null;
            if (libCrypto)
            {
                // subjectPublicKey: the ECPoint's octets as the BIT STRING's (RFC 5480 §2.2).
                if (!AsnDecoder.TryReadPrimitiveBitString(info, Der, out var unusedBits, out var point, out read)
                    || unusedBits != 0 || read != info.Length)
                    return null;
                var native = LibCryptoEc.TryImportPublic(bits == 256 ? EcdheKey.Secp256r1 : EcdheKey.Secp384r1, point);
                return native is null ? null : new PeerPublicKey(null, native, null);
            }
            var ecdsa = ECDsa.Create();
            try
            {
                ecdsa.ImportSubjectPublicKeyInfo(spki, out read);
                if (read == spki.Length && ecdsa.KeySize == bits) return new PeerPublicKey(ecdsa, null, null);
            }
            catch (CryptographicException)
            {
            }
            ecdsa.Dispose();
            return null;
        }
        if (oid == RsaEncryption)
        {
            var rsa = RSA.Create();
            try
            {
                rsa.ImportSubjectPublicKeyInfo(spki, out read);
                if (read == spki.Length && rsa.KeySize is >= MinRsaBits and <= MaxRsaBits) return new PeerPublicKey(null, null, rsa);
            }
            catch (CryptographicException)
            {
            }
            rsa.Dispose();
            return null;
        }
        return null;
    }

    /// <summary>Reads one TLV of the given tag from the front of <paramref name="rest"/>; returns the whole TLV.</summary>
    private static ReadOnlySpan<byte> ReadTlv(scoped ref ReadOnlySpan<byte> rest, Asn1Tag expected, out ReadOnlySpan<byte> contents)
    {
        var tag = Asn1Tag.Decode(rest, out _);
        if (tag != expected) throw new AsnContentException("Unexpected tag " + tag + ".");
        AsnDecoder.ReadEncodedValue(rest, Der, out var offset, out var length, out var consumed);
        contents = rest.Slice(offset, length);
        var tlv = rest[..consumed];
        rest = rest[consumed..];
        return tlv;
    }

    private static void EnsureEmpty(ReadOnlySpan<byte> rest)
    {
        if (!rest.IsEmpty) throw new AsnContentException("Trailing data.");
    }
}
