using System.Globalization;

namespace WebRtcPS.Engine.Sdp;

/// <summary>
/// A session description that is not valid SDP (RFC 8866) or not a usable WebRTC description
/// (RFC 8829). The message names the line (1-based number and its text) and what is wrong with it,
/// so a user can find the fault in the text they pasted or received.
/// </summary>
internal sealed class SdpParseException : FormatException
{
    public SdpParseException(int lineNumber, string? lineText, string reason)
        : base(Format(lineNumber, lineText, reason))
    {
        LineNumber = lineNumber;
        LineText = lineText;
        Reason = reason;
    }

    /// <summary>1-based line number; 0 when the fault is in the description as a whole.</summary>
    public int LineNumber { get; }

    /// <summary>The offending line as received, or null; <see cref="Exception.Message"/> shows it with control characters escaped.</summary>
    public string? LineText { get; }

    /// <summary>What is wrong, without the line location.</summary>
    public string Reason { get; }

    private static string Format(int lineNumber, string? lineText, string reason) =>
        lineNumber <= 0
            ? $"Invalid SDP: {reason}"
            : $"Invalid SDP at line {lineNumber} \"{Escape(lineText ?? string.Empty)}\": {reason}";

    /// <summary>Makes control and non-ASCII garbage visible in the message (\x00 style).</summary>
    internal static string Escape(string text)
    {
        const int MaxLength = 120;
        var sb = new System.Text.StringBuilder(Math.Min(text.Length, MaxLength) + 8);
        foreach (var c in text)
        {
            if (sb.Length >= MaxLength) { sb.Append('…'); break; }
            if (c < ' ' || c == 0x7f || char.IsSurrogate(c) || c == '\uFFFD') sb.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:X2}");
            else sb.Append(c);
        }
        return sb.ToString();
    }
}
