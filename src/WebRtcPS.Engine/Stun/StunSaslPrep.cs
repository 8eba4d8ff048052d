using System.Text;

namespace WebRtcPS.Engine.Stun;

/// <summary>
/// A documented simplification of SASLprep (RFC 4013), which RFC 5389 used for passwords and
/// RFC 8489 replaced with OpaqueString (RFC 8265). It does the mapping steps: characters
/// "commonly mapped to nothing" (RFC 3454 B.1, e.g. U+00AD SOFT HYPHEN) are removed,
/// non-ASCII spaces (C.1.2) become U+0020, then NFKC. It does not reject prohibited output or
/// check bidi rules; credentials are configured by the user, not taken from the wire.
/// NFKC (not OpaqueString's NFC) is what makes the RFC 5769 §2.4 vector come out: "TheM\u00AAtr\u2168" -> "TheMatrIX".
/// </summary>
internal static class StunSaslPrep
{
    public static string Prepare(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (IsMappedToNothing(c)) continue;
            sb.Append(IsNonAsciiSpace(c) ? ' ' : c);
        }
        var mapped = sb.ToString();
        return mapped.IsNormalized(NormalizationForm.FormKC) ? mapped : mapped.Normalize(NormalizationForm.FormKC);
    }

    private static bool IsMappedToNothing(char c) => c is '\u00AD' or '\u034F' or '\u1806' or (>= '\u180B' and <= '\u180D')
        or (>= '\u200B' and <= '\u200D') or '\u2060' or (>= '\uFE00' and <= '\uFE0F') or '\uFEFF';

    private static bool IsNonAsciiSpace(char c) => c is '\u00A0' or '\u1680' or (>= '\u2000' and <= '\u200A')
        or '\u202F' or '\u205F' or '\u3000';
}
