using System.Diagnostics.CodeAnalysis;

namespace WebRtcPS.Engine.Dtls;

/// <summary>Finished body (RFC 5246 §7.4.9): verify_data, the whole body, with no length prefix.
/// It is 12 bytes for every suite we use; the length is the body's, so comparing it with the
/// expected verify_data (in constant time) is the state machine's check. An empty body is malformed.</summary>
internal sealed record FinishedMessage(byte[] VerifyData)
{
    public const int VerifyDataLength = 12;

    public int EncodedLength => VerifyData.Length;

    public static bool TryParse(ReadOnlySpan<byte> body, [NotNullWhen(true)] out FinishedMessage? message)
    {
        message = null;
        if (body.IsEmpty) return false;
        message = new FinishedMessage(body.ToArray());
        return true;
    }

    public int Write(Span<byte> destination)
    {
        VerifyData.CopyTo(destination);
        return VerifyData.Length;
    }

    public byte[] Encode() => (byte[])VerifyData.Clone();
}
