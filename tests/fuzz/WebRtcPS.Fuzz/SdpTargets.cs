using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.Sdp;

namespace WebRtcPS.Fuzz;

/// <summary>SDP (RFC 8866) as a remote description arrives: parsed, then read for the data
/// channel (RFC 8841); both report errors as <see cref="SdpParseException"/>. Fingerprints
/// (RFC 8122) return false, or throw <see cref="FormatException"/> from Parse.</summary>
internal static class SdpTargets
{
    public static void Description(ReadOnlySpan<byte> input)
    {
        var text = Text.Decode(input);
        if (!SdpSessionDescription.TryParse(text, out var sdp, out _)) return;
        _ = sdp.ToString();
        foreach (var value in sdp.GetAttributeValues("fingerprint")) Fingerprint(value);
        foreach (var m in sdp.MediaDescriptions)
        {
            foreach (var value in m.GetAttributeValues("fingerprint")) Fingerprint(value);
        }
        try
        {
            var description = DataChannelSessionDescription.FromSdp(sdp);
            _ = description.ToString();
        }
        catch (SdpParseException)
        {
        }
    }

    private static void Fingerprint(string value)
    {
        if (RTCDtlsFingerprint.TryParse(value, out var fingerprint)) _ = fingerprint.ToString();
        try
        {
            _ = RTCDtlsFingerprint.Parse(value);
        }
        catch (FormatException)
        {
        }
    }
}
