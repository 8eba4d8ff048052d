using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace WebRtcPS.Engine.Dtls;

/// <summary>
/// A certificate fingerprint as carried in SDP (RFC 8122 §5, <c>a=fingerprint:sha-256 AB:CD:…</c>)
/// and in the W3C <c>RTCDtlsFingerprint</c> dictionary.
/// </summary>
/// <remarks>
/// <see cref="Algorithm"/> is kept in lower case (the RFC's hash function textual names are case
/// insensitive) and <see cref="Value"/> in upper-case colon-separated hex, so two fingerprints that
/// differ only in case compare equal. Hashes this engine can compute: sha-1, sha-256, sha-384 and
/// sha-512; any other name (md5, sha-224, …) parses but is ignored for verification.
/// </remarks>
public sealed record RTCDtlsFingerprint
{
    /// <summary>The algorithm this engine advertises for its own certificates.</summary>
    /// <summary>The hash a local fingerprint uses unless asked otherwise.</summary>
    public const string DefaultAlgorithm = "sha-256";

    private static readonly string[] Supported = ["sha-1", "sha-256", "sha-384", "sha-512"];

    /// <summary>A fingerprint: a hash name (RFC 8122 §5: "sha-256"...) and its value as colon-separated hex pairs.</summary>
    public RTCDtlsFingerprint(string algorithm, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(algorithm);
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        if (!IsToken(algorithm))
            throw new FormatException($"'{algorithm}' is not a valid fingerprint hash name.");
        if (!TryNormalizeHex(value, out var normalized))
            throw new FormatException($"'{value}' is not a fingerprint: expected colon-separated hex bytes such as AB:CD:01.");
        Algorithm = algorithm.ToLowerInvariant();
        Value = normalized;
    }

    /// <summary>Hash function textual name, lower case (e.g. <c>sha-256</c>).</summary>
    public string Algorithm { get; }

    /// <summary>Upper-case colon-separated hex of the hash (e.g. <c>AB:CD:…</c>).</summary>
    public string Value { get; }

    /// <summary>True when this engine can compute <see cref="Algorithm"/>.</summary>
    public bool IsSupported => IsSupportedAlgorithm(Algorithm);

    /// <summary>The hash names this engine can compute and verify.</summary>
    public static IReadOnlyList<string> SupportedAlgorithms => Supported;

    /// <summary>Whether <paramref name="algorithm"/> (any case) is one of <see cref="SupportedAlgorithms"/>.</summary>
    public static bool IsSupportedAlgorithm(string algorithm) =>
        Array.IndexOf(Supported, algorithm.ToLowerInvariant()) >= 0;

    /// <summary>Computes the fingerprint of a DER-encoded certificate.</summary>
    /// <exception cref="NotSupportedException">The algorithm is not one of <see cref="SupportedAlgorithms"/>.</exception>
    public static RTCDtlsFingerprint Compute(string algorithm, ReadOnlySpan<byte> derCertificate)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(algorithm);
        byte[] hash = algorithm.ToLowerInvariant() switch
        {
#pragma warning disable CA5350 // sha-1 is a fingerprint algorithm peers may still send (RFC 8122 §5); it verifies, it does not protect
            "sha-1" => SHA1.HashData(derCertificate),
#pragma warning restore CA5350
            "sha-256" => SHA256.HashData(derCertificate),
            "sha-384" => SHA384.HashData(derCertificate),
            "sha-512" => SHA512.HashData(derCertificate),
            _ => throw new NotSupportedException(
                $"Fingerprint algorithm '{algorithm}' is not supported; use one of {string.Join(", ", Supported)}."),
        };
        return new RTCDtlsFingerprint(algorithm, FormatHex(hash));
    }

    /// <summary>Parses the SDP attribute value <c>"sha-256 AB:CD:…"</c> (without <c>a=fingerprint:</c>,
    /// though that prefix is tolerated).</summary>
    /// <exception cref="FormatException">The text is not a fingerprint.</exception>
    public static RTCDtlsFingerprint Parse(string sdpValue) =>
        TryParse(sdpValue, out var fingerprint)
            ? fingerprint
            : throw new FormatException($"'{sdpValue}' is not an SDP fingerprint: expected \"<hash-func> <HEX:HEX:…>\", e.g. \"sha-256 AB:CD:…\".");

    /// <summary>Parses an SDP fingerprint value ("sha-256 AB:CD:..."), with or without the "a=fingerprint:" prefix.</summary>
    public static bool TryParse([NotNullWhen(true)] string? sdpValue, [NotNullWhen(true)] out RTCDtlsFingerprint? fingerprint)
    {
        fingerprint = null;
        if (sdpValue is null) return false;
        var text = sdpValue.Trim();
        const string prefix = "a=fingerprint:";
        if (text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) text = text[prefix.Length..].TrimStart();
        var space = text.IndexOfAny([' ', '\t']);
        if (space <= 0) return false;
        var algorithm = text[..space];
        var value = text[(space + 1)..].Trim();
        if (!IsToken(algorithm) || !TryNormalizeHex(value, out var normalized)) return false;
        fingerprint = new RTCDtlsFingerprint(algorithm, normalized);
        return true;
    }

    /// <summary>The SDP attribute value: <c>"sha-256 AB:CD:…"</c>.</summary>
    public override string ToString() => $"{Algorithm} {Value}";

    internal static string FormatHex(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return string.Empty;
        var sb = new StringBuilder(bytes.Length * 3 - 1);
        for (var i = 0; i < bytes.Length; i++)
        {
            if (i > 0) sb.Append(':');
            sb.Append(bytes[i].ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    private static bool IsToken(string s)
    {
        // RFC 8122 hash-func is a token (RFC 4566): visible ASCII except separators we care about.
        foreach (var c in s)
            if (c <= ' ' || c >= 0x7f || c == ':') return false;
        return s.Length > 0;
    }

    private static bool TryNormalizeHex(string value, [NotNullWhen(true)] out string? normalized)
    {
        normalized = null;
        var parts = value.Split(':');
        if (parts.Length == 0) return false;
        var sb = new StringBuilder(parts.Length * 3);
        foreach (var part in parts)
        {
            if (part.Length != 2 || !Uri.IsHexDigit(part[0]) || !Uri.IsHexDigit(part[1])) return false;
            if (sb.Length > 0) sb.Append(':');
            sb.Append(char.ToUpperInvariant(part[0])).Append(char.ToUpperInvariant(part[1]));
        }
        normalized = sb.ToString();
        return true;
    }
}
