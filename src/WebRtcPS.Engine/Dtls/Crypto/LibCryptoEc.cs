using System.Runtime.InteropServices;

namespace WebRtcPS.Engine.Dtls;

/// <summary>
/// OpenSSL's EC_KEY functions, called directly on Linux, for the three public-key operations of a
/// handshake's critical path: importing the peer's ECDHE point or certificate key, ECDH, and ECDSA
/// verification.
/// </summary>
/// <remarks>
/// Why: .NET's <c>ECDiffieHellman</c>/<c>ECDsa</c> on OpenSSL 3 import a public key through a full
/// key check (a scalar multiplication by the group order) and check the peer again in
/// <c>EVP_PKEY_derive_set_peer</c>, so one ECDHE agreement took ~235 µs and one certificate-key
/// import ~130 µs on our machines, against ~56 and ~11 µs here (bench figures in Dtls/README.md).
/// <c>EC_KEY_oct2key</c> keeps the checks that matter: coordinates below p, the point on the curve.
/// On P-256 and P-384 (cofactor 1) a point on the curve is in the group, so that is the whole
/// validation RFC 8422 §5.11 asks of a peer's key (NIST SP 800-56A §5.6.2.3.4).
/// <para>Elsewhere (Windows, macOS, no libcrypto, or <c>WRTC_LIBCRYPTO_EC=0</c>)
/// <see cref="IsAvailable"/> is false and the callers use .NET's classes. Nothing crosses between
/// .NET's key handles and these: each key lives on one side.</para>
/// </remarks>
internal static unsafe class LibCryptoEc
{
    /// <summary>OpenSSL's NIDs of the two curves (obj_mac.h).</summary>
    private const int NidPrime256v1 = 415, NidSecp384r1 = 715;
    private const int PointConversionUncompressed = 4;

    private static readonly delegate* unmanaged<int, nint> KeyNewByCurveName;
    private static readonly delegate* unmanaged<nint, void> KeyFree;
    private static readonly delegate* unmanaged<nint, int> KeyGenerate;
    private static readonly delegate* unmanaged<nint, byte*, nuint, nint, int> KeyOct2Key;
    private static readonly delegate* unmanaged<nint, nint> KeyGroup;
    private static readonly delegate* unmanaged<nint, nint> KeyPublic;
    private static readonly delegate* unmanaged<nint, nint, int, byte*, nuint, nint, nuint> Point2Oct;
    private static readonly delegate* unmanaged<byte*, nuint, nint, nint, nint, int> EcdhCompute;
    private static readonly delegate* unmanaged<int, byte*, int, byte*, int, nint, int> EcdsaVerify;
    private static readonly delegate* unmanaged<void> ErrClear;

    static LibCryptoEc()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("WRTC_LIBCRYPTO_EC") == "0") return;
        // The names .NET's own OpenSSL shim looks for; loading one it loaded already returns it.
        nint library = 0;
        foreach (var name in new[] { "libcrypto.so.3", "libcrypto.so.1.1", "libcrypto.so" })
            if (NativeLibrary.TryLoad(name, out library)) break;
        if (library == 0) return;
        try
        {
            KeyNewByCurveName = (delegate* unmanaged<int, nint>)NativeLibrary.GetExport(library, "EC_KEY_new_by_curve_name");
            KeyFree = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(library, "EC_KEY_free");
            KeyGenerate = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(library, "EC_KEY_generate_key");
            KeyOct2Key = (delegate* unmanaged<nint, byte*, nuint, nint, int>)NativeLibrary.GetExport(library, "EC_KEY_oct2key");
            KeyGroup = (delegate* unmanaged<nint, nint>)NativeLibrary.GetExport(library, "EC_KEY_get0_group");
            KeyPublic = (delegate* unmanaged<nint, nint>)NativeLibrary.GetExport(library, "EC_KEY_get0_public_key");
            Point2Oct = (delegate* unmanaged<nint, nint, int, byte*, nuint, nint, nuint>)NativeLibrary.GetExport(library, "EC_POINT_point2oct");
            EcdhCompute = (delegate* unmanaged<byte*, nuint, nint, nint, nint, int>)NativeLibrary.GetExport(library, "ECDH_compute_key");
            EcdsaVerify = (delegate* unmanaged<int, byte*, int, byte*, int, nint, int>)NativeLibrary.GetExport(library, "ECDSA_verify");
            ErrClear = (delegate* unmanaged<void>)NativeLibrary.GetExport(library, "ERR_clear_error");
            IsAvailable = SelfTest();
        }
        catch (EntryPointNotFoundException)
        {
            IsAvailable = false;
        }
    }

    /// <summary>True when the functions were found and agree with themselves (a key pair agrees on a secret).</summary>
    public static bool IsAvailable { get; }

    /// <summary>The field length in bytes of a TLS named group we do here (RFC 8422 §5.1.1: 23 and 24), else 0.</summary>
    public static int FieldLength(ushort namedGroup) => namedGroup switch { EcdheKey.Secp256r1 => 32, EcdheKey.Secp384r1 => 48, _ => 0 };

    /// <summary>A fresh key pair on <paramref name="namedGroup"/> (23 or 24).</summary>
    public static LibCryptoEcKey Generate(ushort namedGroup)
    {
        var key = New(namedGroup);
        if (KeyGenerate(key.DangerousGetHandle()) != 1)
        {
            ErrClear();
            key.Dispose();
            throw new System.Security.Cryptography.CryptographicException("OpenSSL could not generate an EC key.");
        }
        return key;
    }

    /// <summary>The public key <paramref name="point"/> (uncompressed, <c>0x04 || X || Y</c> at the
    /// field's length) on <paramref name="namedGroup"/>; null when it is not such a point on the curve.</summary>
    public static LibCryptoEcKey? TryImportPublic(ushort namedGroup, ReadOnlySpan<byte> point)
    {
        var n = FieldLength(namedGroup);
        if (n == 0 || point.Length != 1 + 2 * n || point[0] != 0x04) return null;
        var key = New(namedGroup);
        fixed (byte* p = point)
        {
            if (KeyOct2Key(key.DangerousGetHandle(), p, (nuint)point.Length, 0) == 1) return key;
        }
        ErrClear();
        key.Dispose();
        return null;
    }

    /// <summary>The uncompressed public point of <paramref name="key"/>.</summary>
    public static byte[] PublicPoint(LibCryptoEcKey key, ushort namedGroup)
    {
        var point = new byte[1 + 2 * FieldLength(namedGroup)];
        using var use = key.Use();
        nuint written;
        fixed (byte* p = point)
            written = Point2Oct(KeyGroup(use.Handle), KeyPublic(use.Handle), PointConversionUncompressed, p, (nuint)point.Length, 0);
        if (written != (nuint)point.Length)
        {
            ErrClear();
            throw new System.Security.Cryptography.CryptographicException("OpenSSL could not encode the EC public key.");
        }
        return point;
    }

    /// <summary>ECDH (RFC 8422 §5.10): the X coordinate of our private key times the peer's point,
    /// at the field's length, into <paramref name="secret"/> (exactly that long). False on failure.</summary>
    public static bool TryDerive(LibCryptoEcKey ours, LibCryptoEcKey peer, Span<byte> secret)
    {
        using var own = ours.Use();
        using var theirs = peer.Use();
        int length;
        fixed (byte* s = secret)
            length = EcdhCompute(s, (nuint)secret.Length, KeyPublic(theirs.Handle), own.Handle, 0);
        if (length == secret.Length) return true;
        ErrClear();
        return false;
    }

    /// <summary>ECDSA verification of a DER <c>Ecdsa-Sig-Value</c> over <paramref name="hash"/>
    /// (already computed; a hash longer than the order is truncated, as FIPS 186-4 §6.4 says).</summary>
    public static bool VerifyHash(LibCryptoEcKey key, ReadOnlySpan<byte> hash, ReadOnlySpan<byte> derSignature)
    {
        if (derSignature.IsEmpty || hash.IsEmpty) return false;
        using var use = key.Use();
        int result;
        fixed (byte* h = hash)
        fixed (byte* s = derSignature)
            result = EcdsaVerify(0, h, hash.Length, s, derSignature.Length, use.Handle);
        if (result == 1) return true;
        ErrClear();   // 0 is a wrong signature, -1 a malformed one: both leave errors queued
        return false;
    }

    internal static void Free(nint key) => KeyFree(key);

    private static LibCryptoEcKey New(ushort namedGroup)
    {
        var nid = namedGroup switch
        {
            EcdheKey.Secp256r1 => NidPrime256v1,
            EcdheKey.Secp384r1 => NidSecp384r1,
            _ => throw new ArgumentOutOfRangeException(nameof(namedGroup), namedGroup, "Only secp256r1 (23) and secp384r1 (24) are supported."),
        };
        var handle = KeyNewByCurveName(nid);
        if (handle == 0)
        {
            ErrClear();
            throw new System.Security.Cryptography.CryptographicException("OpenSSL does not know the curve " + nid + ".");
        }
        return new LibCryptoEcKey(handle);
    }

    // The library found might be an unexpected build: use it only if a key pair agrees with itself
    // and a point off the curve is refused (the check RFC 8422 §5.11 relies on here).
    private static bool SelfTest()
    {
        try
        {
            using var a = Generate(EcdheKey.Secp256r1);
            using var b = Generate(EcdheKey.Secp256r1);
            var bPoint = PublicPoint(b, EcdheKey.Secp256r1);
            using var bPublic = TryImportPublic(EcdheKey.Secp256r1, bPoint);
            using var aPublic = TryImportPublic(EcdheKey.Secp256r1, PublicPoint(a, EcdheKey.Secp256r1));
            if (bPublic is null || aPublic is null) return false;
            bPoint[^1] ^= 1;
            using (var offCurve = TryImportPublic(EcdheKey.Secp256r1, bPoint))
                if (offCurve is not null) return false;
            Span<byte> one = stackalloc byte[32], two = stackalloc byte[32];
            return TryDerive(a, bPublic, one) && TryDerive(b, aPublic, two) && one.SequenceEqual(two) && one.IndexOfAnyExcept((byte)0) >= 0;
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            return false;
        }
    }
}
