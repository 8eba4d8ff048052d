using System.Security.Cryptography;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;

namespace WebRtcPS.Engine.Dtls;

/// <summary>
/// ECDHE over a NIST curve (RFC 8422 §5.10) by .NET's <see cref="ECDiffieHellman"/>: one
/// ephemeral key per agreement, points in the uncompressed form (RFC 8422 §5.4.1: 0x04 || X || Y),
/// the premaster secret the shared point's X coordinate at the field's full length.
/// </summary>
internal sealed class DotNetEcdhDomain : TlsECDomain
{
    private readonly DotNetTlsCrypto _crypto;
    private readonly int _namedGroup;
    private readonly ECCurve _curve;
    private readonly int _fieldLength;

    private DotNetEcdhDomain(DotNetTlsCrypto crypto, int namedGroup, ECCurve curve, int fieldLength)
    {
        _crypto = crypto;
        _namedGroup = namedGroup;
        _curve = curve;
        _fieldLength = fieldLength;
    }

    /// <summary>The domain for <paramref name="namedGroup"/>, or null when .NET does not do it here.</summary>
    public static DotNetEcdhDomain? TryCreate(DotNetTlsCrypto crypto, int namedGroup) => namedGroup switch
    {
        NamedGroup.secp256r1 => new DotNetEcdhDomain(crypto, namedGroup, ECCurve.NamedCurves.nistP256, 32),
        NamedGroup.secp384r1 => new DotNetEcdhDomain(crypto, namedGroup, ECCurve.NamedCurves.nistP384, 48),
        _ => null,
    };

    public TlsAgreement CreateECDH() => new Agreement(this);

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BouncyCastle's TlsAgreement has no disposal hook: the keys are disposed once the secret is calculated, or go with their SafeHandles.")]
    private sealed class Agreement(DotNetEcdhDomain domain) : TlsAgreement
    {
        private ECDiffieHellman? _local;
        private ECDiffieHellman? _peer;

        public byte[] GenerateEphemeral()
        {
            // The key made before the handshake (DotNetTlsCrypto.PrepareEphemeralKey) when there is one.
            _local = domain._crypto.TakePreparedKey(domain._namedGroup) ?? ECDiffieHellman.Create(domain._curve);
            var q = _local.ExportParameters(includePrivateParameters: false).Q;
            var point = new byte[1 + 2 * domain._fieldLength];
            point[0] = 0x04;
            q.X.AsSpan().CopyTo(point.AsSpan(1 + domain._fieldLength - q.X!.Length));
            q.Y.AsSpan().CopyTo(point.AsSpan(1 + 2 * domain._fieldLength - q.Y!.Length));
            return point;
        }

        public void ReceivePeerValue(byte[] peerValue)
        {
            var n = domain._fieldLength;
            if (peerValue is null || peerValue.Length != 1 + 2 * n || peerValue[0] != 0x04)
                throw new TlsFatalAlert(AlertDescription.illegal_parameter, "The peer's ECDH point is not an uncompressed point of the group.");
            try
            {
                // Import checks that the point is on the curve (RFC 8422 §5.11 public key validation).
                _peer = ECDiffieHellman.Create(new ECParameters
                {
                    Curve = domain._curve,
                    Q = new ECPoint { X = peerValue.AsSpan(1, n).ToArray(), Y = peerValue.AsSpan(1 + n, n).ToArray() },
                });
            }
            catch (CryptographicException ex)
            {
                throw new TlsFatalAlert(AlertDescription.illegal_parameter, "The peer's ECDH point is not on the curve.", ex);
            }
        }

        public TlsSecret CalculateSecret()
        {
            if (_local is null || _peer is null) throw new TlsFatalAlert(AlertDescription.internal_error);
            try
            {
                using var peerKey = _peer.PublicKey;
                return domain._crypto.CreateSecret(_local.DeriveRawSecretAgreement(peerKey));
            }
            catch (CryptographicException ex)
            {
                throw new TlsFatalAlert(AlertDescription.illegal_parameter, "The ECDH agreement failed.", ex);
            }
            finally
            {
                _local.Dispose();
                _peer.Dispose();
            }
        }
    }
}
