namespace WebRtcPS.Engine.Tests.TestInfrastructure;

/// <summary>Test vectors as RFCs and captures print them.</summary>
internal static class Hex
{
    /// <summary>Hex as RFCs print it (spaces, line breaks) to bytes.</summary>
    public static byte[] Parse(string text) => Convert.FromHexString(string.Concat(text.Where(Uri.IsHexDigit)));
}
