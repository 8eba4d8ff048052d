using System.Globalization;

namespace WebRtcPS.Signaling.Server;

/// <summary>
/// What a peer id may be: 1..MaxIdLength UTF-16 units of printable text. Control, format (bidi
/// overrides, zero-width), whitespace and unpaired surrogate characters are refused: ids reach
/// logs and operators' screens, where such characters forge or hide lines.
/// </summary>
internal static class PeerIdRules
{
    /// <summary>Null when <paramref name="id"/> is acceptable, otherwise why not.</summary>
    public static string? Check(string id, int maxLength)
    {
        if (id.Length == 0) return "is empty";
        if (id.Length > maxLength) return $"is longer than {maxLength} characters";
        for (var i = 0; i < id.Length; i++)
        {
            var c = id[i];
            if (char.IsHighSurrogate(c) && i + 1 < id.Length && char.IsLowSurrogate(id[i + 1]))
            {
                if (!Printable(CharUnicodeInfo.GetUnicodeCategory(id, i))) return $"holds character U+{char.ConvertToUtf32(c, id[i + 1]):X4}";
                i++;
                continue;
            }
            if (char.IsSurrogate(c) || !Printable(CharUnicodeInfo.GetUnicodeCategory(c))) return $"holds character U+{(int)c:X4}";
        }
        return null;
    }

    private static bool Printable(UnicodeCategory category) => category is not (UnicodeCategory.Control or UnicodeCategory.Format
        or UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
        or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned);
}
