using System.Text;

namespace WebRtcPS.Fuzz;

/// <summary>Fuzz bytes as the text a user or a peer sends: UTF-8, invalid sequences replaced
/// (what the signaling JSON decoder and PowerShell hand the parsers).</summary>
internal static class Text
{
    public static string Decode(ReadOnlySpan<byte> input) => Encoding.UTF8.GetString(input);
}
