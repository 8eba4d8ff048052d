using System.Security.Cryptography;
using System.Text;

namespace WebRtcPS.Engine.Dtls;

/// <summary>
/// The TLS 1.2 PRF (RFC 5246 §5), with the suite's PRF hash (SHA-256, or SHA-384 for the
/// AES-256-GCM suites, RFC 5288 §3):
/// <code>
/// PRF(secret, label, seed) = P_hash(secret, label || seed)
/// P_hash(secret, s)        = HMAC(secret, A(1) || s) || HMAC(secret, A(2) || s) || ...
/// A(0) = s, A(i) = HMAC(secret, A(i-1))
/// </code>
/// </summary>
internal static class TlsPrf
{
    private const int MaxHashLength = 48;
    private const int MaxLabelLength = 64;

    /// <summary>Fills <paramref name="output"/> with PRF(<paramref name="secret"/>, <paramref name="label"/>,
    /// <paramref name="seed"/>) with <paramref name="hash"/> (SHA256 or SHA384); <paramref name="label"/>
    /// is ASCII, without length byte or trailing NUL (RFC 5246 §5). <paramref name="output"/> must not
    /// overlap the inputs.</summary>
    public static void Derive(HashAlgorithmName hash, ReadOnlySpan<byte> secret, string label, ReadOnlySpan<byte> seed, Span<byte> output)
    {
        ArgumentNullException.ThrowIfNull(label);
        var hashLength = HashLength(hash);
        if (label.Length > MaxLabelLength || !Ascii.IsValid(label))
            throw new ArgumentException("The PRF label must be ASCII and at most 64 characters.", nameof(label));

        Span<byte> labelBytes = stackalloc byte[label.Length];
        Encoding.ASCII.GetBytes(label, labelBytes);
        Span<byte> a = stackalloc byte[MaxHashLength];
        Span<byte> block = stackalloc byte[MaxHashLength];
        a = a[..hashLength];
        block = block[..hashLength];

        using var hmac = IncrementalHash.CreateHMAC(hash, secret);
        // A(1) = HMAC(secret, label || seed); the label and seed are appended, never concatenated.
        hmac.AppendData(labelBytes);
        hmac.AppendData(seed);
        hmac.GetHashAndReset(a);

        var written = 0;
        while (written < output.Length)
        {
            hmac.AppendData(a);
            hmac.AppendData(labelBytes);
            hmac.AppendData(seed);
            var remaining = output.Length - written;
            if (remaining >= hashLength)
            {
                hmac.GetHashAndReset(output.Slice(written, hashLength));
                written += hashLength;
            }
            else
            {
                // The last block is cut to what is asked for (RFC 5246 §5: "discarding" the rest).
                hmac.GetHashAndReset(block);
                block[..remaining].CopyTo(output[written..]);
                written += remaining;
            }
            if (written < output.Length)
            {
                hmac.AppendData(a);
                hmac.GetHashAndReset(a);
            }
        }
        CryptographicOperations.ZeroMemory(a);
        CryptographicOperations.ZeroMemory(block);
    }

    /// <summary>The output length of a PRF hash: the TLS 1.2 AEAD suites use SHA-256 or SHA-384 only.</summary>
    internal static int HashLength(HashAlgorithmName hash)
    {
        if (hash == HashAlgorithmName.SHA256) return 32;
        if (hash == HashAlgorithmName.SHA384) return 48;
        throw new ArgumentOutOfRangeException(nameof(hash), hash, "The TLS 1.2 PRF hash is SHA-256 or SHA-384.");
    }
}
