using System.Security.Cryptography;

namespace WebRtcPS.Engine.Dtls;

/// <summary>
/// The cipher suites our own DTLS offers and accepts: ECDHE with AES-GCM only (RFC 5289 §3.2,
/// RFC 5288 §3), the suites WebRTC requires (RFC 8827 §6.5 names
/// TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256) and every browser, pion and OpenSSL offer. The PRF hash
/// is the suite's (RFC 5246 §5); AEAD suites have no MAC key and a 4-byte fixed IV.
/// </summary>
internal sealed record DtlsCipherSuite(ushort Id, string Name, int KeyLength, HashAlgorithmName PrfHash, bool Ecdsa)
{
    public static readonly DtlsCipherSuite EcdheEcdsaAes128Gcm = new(0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", 16, HashAlgorithmName.SHA256, true);
    public static readonly DtlsCipherSuite EcdheEcdsaAes256Gcm = new(0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", 32, HashAlgorithmName.SHA384, true);
    public static readonly DtlsCipherSuite EcdheRsaAes128Gcm = new(0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 16, HashAlgorithmName.SHA256, false);
    public static readonly DtlsCipherSuite EcdheRsaAes256Gcm = new(0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", 32, HashAlgorithmName.SHA384, false);

    /// <summary>What the client offers, in order: ECDSA first (our peers' certificates), then RSA
    /// for a server with an RSA certificate.</summary>
    public static readonly DtlsCipherSuite[] ClientOffer = [EcdheEcdsaAes128Gcm, EcdheEcdsaAes256Gcm, EcdheRsaAes128Gcm, EcdheRsaAes256Gcm];

    /// <summary>What the server accepts, in its order of preference: our certificate is ECDSA P-256.</summary>
    public static readonly DtlsCipherSuite[] ServerAccept = [EcdheEcdsaAes128Gcm, EcdheEcdsaAes256Gcm];

    /// <summary>TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746 §3.3): a client's way of saying it supports secure renegotiation.</summary>
    public const ushort EmptyRenegotiationInfoScsv = 0x00FF;

    public static DtlsCipherSuite? Find(ushort id) => id switch
    {
        0xC02B => EcdheEcdsaAes128Gcm,
        0xC02C => EcdheEcdsaAes256Gcm,
        0xC02F => EcdheRsaAes128Gcm,
        0xC030 => EcdheRsaAes256Gcm,
        _ => null,
    };
}

/// <summary>The ECDHE groups (RFC 8422 §5.1.1) and signature schemes (RFC 5246 §7.4.1.4.1) we use.</summary>
internal static class DtlsAlgorithms
{
    public const ushort Secp256r1 = 23;
    public const ushort Secp384r1 = 24;

    /// <summary>Groups in order of preference; both are .NET's native ECDH. x25519 is not offered:
    /// .NET has no X25519 key agreement, and every WebRTC peer supports P-256.</summary>
    public static readonly ushort[] Groups = [Secp256r1, Secp384r1];

    /// <summary>Signature schemes we can verify, in order of preference (what our ClientHello and
    /// CertificateRequest list).</summary>
    public static readonly ushort[] VerifySchemes =
    [
        TlsSignatureScheme.EcdsaSha256, TlsSignatureScheme.EcdsaSha384, TlsSignatureScheme.EcdsaSha512,
        TlsSignatureScheme.RsaPssRsaeSha256, TlsSignatureScheme.RsaPssRsaeSha384, TlsSignatureScheme.RsaPssRsaeSha512,
        TlsSignatureScheme.RsaPkcs1Sha256, TlsSignatureScheme.RsaPkcs1Sha384, TlsSignatureScheme.RsaPkcs1Sha512,
    ];

    /// <summary>The DTLS-SRTP profiles offered and accepted (RFC 5764 §4.1.2, RFC 7714 §14.2):
    /// SRTP_AEAD_AES_128_GCM, SRTP_AES128_CM_HMAC_SHA1_80. No SRTP is sent; pion-webrtc fails a
    /// DTLS transport that negotiated no profile, even for data channels only.</summary>
    public static readonly ushort[] SrtpProfiles = [0x0007, 0x0001];

    /// <summary>The scheme to sign with our P-256 key: the first ECDSA one the peer listed
    /// (SHA-256 when it listed none: RFC 5246 §7.4.1.4.1's default is SHA-1, which no peer of ours wants).</summary>
    public static ushort SigningScheme(IReadOnlyList<ushort>? peerSchemes)
    {
        if (peerSchemes is null || peerSchemes.Count == 0) return TlsSignatureScheme.EcdsaSha256;
        foreach (var scheme in (ReadOnlySpan<ushort>)[TlsSignatureScheme.EcdsaSha256, TlsSignatureScheme.EcdsaSha384, TlsSignatureScheme.EcdsaSha512])
            if (peerSchemes.Contains(scheme)) return scheme;
        return 0;
    }
}
