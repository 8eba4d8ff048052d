using System.Text;
using System.Text.Unicode;

namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>UTF-8 text values (USERNAME, REALM, NONCE, SOFTWARE, reason phrases).</summary>
internal static class StunText
{
    /// <summary>Fewer than 128 characters, up to 763 bytes once decoded (RFC 8489 §14.9, §14.10, §14.14).</summary>
    public const int MaxCharacters = 127;
    public const int MaxBytes = 763;

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static bool TryDecode(ReadOnlySpan<byte> value, int maxBytes, out string text)
    {
        text = "";
        if (value.Length > maxBytes || !Utf8.IsValid(value)) return false;
        text = Strict.GetString(value);
        return true;
    }

    public static int ByteCount(string text) => Strict.GetByteCount(text);

    public static int Write(string text, Span<byte> destination) => Strict.GetBytes(text, destination);

    /// <summary>Validates a text to be sent: at most <paramref name="maxBytes"/> bytes and, when
    /// <paramref name="limitCharacters"/>, fewer than 128 characters.</summary>
    public static string Validate(string text, int maxBytes, bool limitCharacters, string paramName)
    {
        ArgumentNullException.ThrowIfNull(text, paramName);
        if (limitCharacters && text.Length > MaxCharacters) throw new ArgumentException($"At most {MaxCharacters} characters.", paramName);
        if (ByteCount(text) > maxBytes) throw new ArgumentException($"At most {maxBytes} UTF-8 bytes.", paramName);
        return text;
    }
}
