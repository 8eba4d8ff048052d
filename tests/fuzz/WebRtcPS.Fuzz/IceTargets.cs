using WebRtcPS.Engine.Ice;

namespace WebRtcPS.Fuzz;

/// <summary>ICE: candidate lines (RFC 8839 §5.1; TryParse returns the error, Parse throws
/// <see cref="FormatException"/>), ICE server URIs (RFC 7064/7065, same pattern), RFC 4571 framing
/// (never throws), mDNS answers (RFC 6762; never throws).</summary>
internal static class IceTargets
{
    public static void Candidate(ReadOnlySpan<byte> input)
    {
        var text = Text.Decode(input);
        if (RTCIceCandidate.TryParse(text, out var candidate, out _))
        {
            _ = candidate.ToSdpString();
            _ = candidate.IsMdns;
            _ = candidate.IPAddress;
            _ = candidate.PriorityParts;
        }
        try
        {
            _ = RTCIceCandidate.Parse(text);
        }
        catch (FormatException)
        {
        }
    }

    public static void ServerUri(ReadOnlySpan<byte> input)
    {
        var text = Text.Decode(input);
        if (IceServerUri.TryParse(text, out var uri, out _)) _ = uri.ToString();
        try
        {
            _ = IceServerUri.Parse(text);
        }
        catch (FormatException)
        {
        }
    }

    /// <summary>The first byte sets the receiver's limit (1-65,535); the rest is the stream, appended in
    /// pieces as reads return it.</summary>
    public static void Rfc4571(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty) return;
        int max = Math.Max(1, input[0] * 257);
        var stream = input[1..];
        var rest = stream;
        while (Rfc4571Framing.TryReadFrame(rest, max, out _, out int consumed) == Rfc4571ReadStatus.Frame) rest = rest[consumed..];

        var reader = new Rfc4571FrameReader(max);
        int offset = 0, step = 1;
        while (offset < stream.Length)
        {
            int n = Math.Min(step, stream.Length - offset);
            reader.Append(stream.Slice(offset, n));
            offset += n;
            step = step * 3 % 97 + 1;
            _ = reader.TryPeekPayloadByte(out _);
            _ = reader.TryPeekPayloadLength(out _);
            Rfc4571ReadStatus status;
            while ((status = reader.TryRead(out _)) == Rfc4571ReadStatus.Frame) { }
            if (status == Rfc4571ReadStatus.Invalid) return; // the connection is dropped
        }
    }

    public static void Mdns(ReadOnlySpan<byte> input) => _ = MdnsMessage.ParseAddresses(input, "abc.local");
}
