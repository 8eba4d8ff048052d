using System.Security.Cryptography;

namespace WebRtcPS.Engine.Dtls;

/// <summary>
/// An ephemeral ECDHE key for one handshake (RFC 8422 §5.4, §5.7) on secp256r1 (23) or secp384r1
/// (24), by .NET's <see cref="ECDiffieHellman"/>. Points are in the uncompressed form,
/// <c>0x04 || X || Y</c> with each coordinate at the field's full length (RFC 8422 §5.4.1, the
/// only format RFC 8422 §5.1.2 leaves). On Linux the key is OpenSSL's own (<see cref="LibCryptoEc"/>:
/// a quarter of .NET's cost per agreement), elsewhere .NET's.
/// </summary>
internal sealed class EcdheKey : IDisposable
{
    /// <summary>NamedCurve codes (RFC 8422 §5.1.1).</summary>
    public const ushort Secp256r1 = 23, Secp384r1 = 24;

    private readonly ECDiffieHellman? _key;
    private readonly LibCryptoEcKey? _native;
    private readonly ECCurve _curve;
    private readonly int _fieldLength;
    private bool _disposed;

    private EcdheKey(ushort namedGroup, ECCurve curve, int fieldLength, bool libCrypto)
    {
        NamedGroup = namedGroup;
        _curve = curve;
        _fieldLength = fieldLength;
        if (libCrypto)
        {
            _native = LibCryptoEc.Generate(namedGroup);
            PublicPoint = LibCryptoEc.PublicPoint(_native, namedGroup);
            return;
        }
        _key = ECDiffieHellman.Create(curve);
        var q = _key.ExportParameters(includePrivateParameters: false).Q;
        // Left-pad: a coordinate with leading zero bytes may come back shorter than the field.
        var point = new byte[1 + 2 * fieldLength];
        point[0] = 0x04;
        q.X.AsSpan().CopyTo(point.AsSpan(1 + fieldLength - q.X!.Length));
        q.Y.AsSpan().CopyTo(point.AsSpan(1 + 2 * fieldLength - q.Y!.Length));
        PublicPoint = point;
    }

    /// <summary>True for the groups this key does: secp256r1 (23) and secp384r1 (24).</summary>
    public static bool IsSupported(ushort namedGroup) => namedGroup is Secp256r1 or Secp384r1;

    /// <summary>A fresh key pair on <paramref name="namedGroup"/>.</summary>
    public static EcdheKey Generate(ushort namedGroup) => Generate(namedGroup, LibCryptoEc.IsAvailable);

    /// <summary>As <see cref="Generate(ushort)"/>, with OpenSSL's key (only where
    /// <see cref="LibCryptoEc.IsAvailable"/>) or .NET's: the tests run both.</summary>
    internal static EcdheKey Generate(ushort namedGroup, bool libCrypto) => namedGroup switch
    {
        Secp256r1 => new EcdheKey(namedGroup, ECCurve.NamedCurves.nistP256, 32, libCrypto),
        Secp384r1 => new EcdheKey(namedGroup, ECCurve.NamedCurves.nistP384, 48, libCrypto),
        _ => throw new ArgumentOutOfRangeException(nameof(namedGroup), namedGroup, "Only secp256r1 (23) and secp384r1 (24) are supported."),
    };

    public ushort NamedGroup { get; }

    /// <summary>Our public point, uncompressed (the ECPoint of ServerKeyExchange / ClientKeyExchange).</summary>
    public byte[] PublicPoint { get; }

    /// <summary>
    /// The premaster secret: the X coordinate of the shared point at the field's length (RFC 8422 §5.10).
    /// False, never an exception, when <paramref name="peerPoint"/> is not an uncompressed point on
    /// this curve (RFC 8422 §5.11: the peer's key is validated before use).
    /// </summary>
    public bool TryDeriveSecret(ReadOnlySpan<byte> peerPoint, out byte[] premasterSecret)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        premasterSecret = [];
        var n = _fieldLength;
        if (peerPoint.Length != 1 + 2 * n || peerPoint[0] != 0x04) return false;
        if (_native is not null) return TryDeriveWithLibCrypto(peerPoint, out premasterSecret);
        try
        {
            // The import checks that the point is on the curve (and its coordinates below p).
            using var peer = ECDiffieHellman.Create(new ECParameters
            {
                Curve = _curve,
                Q = new ECPoint { X = peerPoint.Slice(1, n).ToArray(), Y = peerPoint.Slice(1 + n, n).ToArray() },
            });
            using var peerKey = peer.PublicKey;
            var secret = _key!.DeriveRawSecretAgreement(peerKey);
            if (secret.Length > n) return false;
            if (secret.Length == n)
            {
                premasterSecret = secret;
            }
            else
            {
                // Keep leading zero bytes (RFC 8422 §5.10: the field element at its full length).
                premasterSecret = new byte[n];
                secret.CopyTo(premasterSecret.AsSpan(n - secret.Length));
                CryptographicOperations.ZeroMemory(secret);
            }
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private bool TryDeriveWithLibCrypto(ReadOnlySpan<byte> peerPoint, out byte[] premasterSecret)
    {
        premasterSecret = [];
        using var peer = LibCryptoEc.TryImportPublic(NamedGroup, peerPoint);
        if (peer is null) return false;
        var secret = new byte[_fieldLength];
        if (!LibCryptoEc.TryDerive(_native!, peer, secret)) return false;
        premasterSecret = secret;
        return true;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _key?.Dispose();
        _native?.Dispose();
    }
}
