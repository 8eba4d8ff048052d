using System.Management.Automation;

namespace WebRtcPS.Commands.Completion;

/// <summary>What every completer shares: prefix matching, quoting, and no duplicates.</summary>
internal static class CompletionHelpers
{
    /// <summary>Completions for the candidates starting with what was typed (case-insensitive, quotes ignored).</summary>
    public static IEnumerable<CompletionResult> Complete(string? wordToComplete, IEnumerable<(string Text, string Tooltip)> candidates)
    {
        var typed = (wordToComplete ?? "").Trim('\'', '"');
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (text, tooltip) in candidates)
        {
            if (!text.StartsWith(typed, StringComparison.OrdinalIgnoreCase) || !seen.Add(text)) continue;
            yield return new CompletionResult(Quote(text), text, CompletionResultType.ParameterValue, string.IsNullOrEmpty(tooltip) ? text : tooltip);
        }
    }

    /// <summary>Single-quotes a value PowerShell would otherwise split or expand.</summary>
    private static string Quote(string text) =>
        text.IndexOfAny([' ', '$', '`', ';', ',', '(', ')', '{', '}', '@', '#', '&', '|', '\'', '"']) >= 0
            ? "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'"
            : text;

}
