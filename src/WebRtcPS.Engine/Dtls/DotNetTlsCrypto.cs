using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Prng;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace WebRtcPS.Engine.Dtls;

/// <summary>
/// BouncyCastle's TLS crypto with the expensive primitives done by .NET (the platform's crypto
/// library, native code): the AES-GCM record cipher (<see cref="AesGcm"/>), ECDHE over P-256 and
/// P-384 (<see cref="DotNetEcdhDomain"/>) and ECDSA verification of the peer's signatures
/// (<see cref="DotNetTlsCertificate"/>); our own ECDSA signatures are .NET's through
/// <see cref="DotNetEcdsaSigner"/>. The handshake logic, PRF and X25519 stay BouncyCastle's.
/// </summary>
/// <remarks>
/// Why: BouncyCastle's managed elliptic-curve math costs ~0.7 ms per sign, verify or agreement
/// when JIT-compiled at tier 1, and several times that in a process that has done few handshakes
/// (tier-0 code); a DTLS handshake has five such operations on its critical path. Stock
/// BouncyCastle also re-initialises its GCM (AES key schedule and multiplication tables) for every
/// record; .NET's AesGcm keeps one key schedule per direction. The record layer (nonces, AAD,
/// sequence numbers) is still BouncyCastle's <see cref="TlsAeadCipher"/>.
/// <para>Randomness (client/server random, ECDHE keys' seeds, nonces) comes from the operating
/// system's generator through <see cref="CryptoApiRandomGenerator"/> (.NET's
/// <see cref="RandomNumberGenerator"/>). BouncyCastle's default <c>new SecureRandom()</c> is a
/// SHA-256 PRNG found by name through <c>DigestUtilities</c>, whose static constructor registers
/// every digest under every OID BouncyCastle knows (NIST, PKCS, GOST, SM3, ...): ~5 MiB of a
/// process's peak resident set (type data, jitted static constructors, objects) for one hash.</para>
/// </remarks>
internal sealed class DotNetTlsCrypto() : BcTlsCrypto(new SecureRandom(new CryptoApiRandomGenerator()))
{
    private const int TagSize = 16;

    private ECDiffieHellman? _preparedP256;

    /// <summary>P-256 and P-384 by .NET; x25519, x448 and the rest by BouncyCastle.</summary>
    public override TlsECDomain CreateECDomain(TlsECConfig ecConfig) =>
        DotNetEcdhDomain.TryCreate(this, ecConfig.NamedGroup) ?? base.CreateECDomain(ecConfig);

    /// <summary>
    /// Makes the ECDHE key of the group we prefer (P-256) before the handshake, while the DTLS
    /// thread waits for the ICE path: its generation (0.1-0.3 ms, more on a loaded machine) then
    /// leaves the critical path of the server's first flight and the client's second. It is
    /// still ephemeral (RFC 8422 §2: used for this handshake's one agreement, then disposed).
    /// </summary>
    public void PrepareEphemeralKey()
    {
        var key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        Interlocked.Exchange(ref _preparedP256, key)?.Dispose();
    }

    /// <summary>The key <see cref="PrepareEphemeralKey"/> made, once, when <paramref name="namedGroup"/> is P-256; else null.</summary>
    internal ECDiffieHellman? TakePreparedKey(int namedGroup) =>
        namedGroup == NamedGroup.secp256r1 ? Interlocked.Exchange(ref _preparedP256, null) : null;

    /// <summary>Disposes a prepared key no agreement took (the peer chose another group, or the handshake never ran).</summary>
    public void DiscardPreparedKey() => Interlocked.Exchange(ref _preparedP256, null)?.Dispose();

    /// <summary>X.509 certificates whose ECDSA signatures .NET verifies.</summary>
    public override TlsCertificate CreateCertificate(short type, byte[] encoding) =>
        type == CertificateType.X509 ? new DotNetTlsCertificate(this, encoding) : base.CreateCertificate(type, encoding);

    protected override TlsAeadCipher CreateCipher_Aes_Gcm(TlsCryptoParameters cryptoParams, int cipherKeySize, int macSize)
    {
        if (!AesGcm.IsSupported || macSize != TagSize) return base.CreateCipher_Aes_Gcm(cryptoParams, cipherKeySize, macSize);
        return new TlsAeadCipher(cryptoParams, new AesGcmImpl(encrypting: true), new AesGcmImpl(encrypting: false),
            cipherKeySize, macSize, TlsAeadCipher.AEAD_GCM);
    }

    /// <summary>One direction's AEAD. <see cref="TlsAeadCipher"/> calls Init per record, then
    /// DoFinal (in place: ciphertext followed by the 16-byte tag), with the AAD given to one or the other.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BouncyCastle's TlsAeadCipherImpl has no disposal hook: SetKey disposes the previous AesGcm, the last one goes with its SafeHandle.")]
    private sealed class AesGcmImpl(bool encrypting) : TlsAeadCipherImpl
    {
        private AesGcm? _aes;
        private byte[] _nonce = [];
        private byte[]? _additionalData;

        public void SetKey(byte[] key, int keyOff, int keyLen) => SetKey(key.AsSpan(keyOff, keyLen));

        public void SetKey(ReadOnlySpan<byte> key)
        {
            _aes?.Dispose();
            _aes = new AesGcm(key, TagSize);
        }

        public void Init(byte[] nonce, int macSize, byte[] additionalData)
        {
            if (macSize != TagSize) throw new TlsFatalAlert(AlertDescription.internal_error);
            _nonce = nonce;
            _additionalData = additionalData;
        }

        public int GetOutputSize(int inputLength) => encrypting ? inputLength + TagSize : Math.Max(0, inputLength - TagSize);

        public int DoFinal(byte[] additionalData, byte[] input, int inputOffset, int inputLength, byte[] output, int outputOffset)
        {
            _additionalData = additionalData;
            return DoFinal(input, inputOffset, inputLength, output, outputOffset);
        }

        public int DoFinal(byte[] input, int inputOffset, int inputLength, byte[] output, int outputOffset)
        {
            var aes = _aes ?? throw new TlsFatalAlert(AlertDescription.internal_error);
            if (encrypting)
            {
                aes.Encrypt(_nonce, input.AsSpan(inputOffset, inputLength), output.AsSpan(outputOffset, inputLength),
                    output.AsSpan(outputOffset + inputLength, TagSize), _additionalData);
                return inputLength + TagSize;
            }
            var length = inputLength - TagSize;
            if (length < 0) throw new TlsFatalAlert(AlertDescription.bad_record_mac);
            try
            {
                aes.Decrypt(_nonce, input.AsSpan(inputOffset, length), input.AsSpan(inputOffset + length, TagSize),
                    output.AsSpan(outputOffset, length), _additionalData);
            }
            catch (CryptographicException ex)
            {
                throw new TlsFatalAlert(AlertDescription.bad_record_mac, ex);
            }
            return length;
        }

        public void Reset()
        {
        }
    }
}
