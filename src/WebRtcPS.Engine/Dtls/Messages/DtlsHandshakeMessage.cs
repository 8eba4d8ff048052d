namespace WebRtcPS.Engine.Dtls;

/// <summary>Framing of whole handshake messages and their split into fragments (RFC 6347 §4.2.3).</summary>
internal static class DtlsHandshakeMessage
{
    /// <summary>The message as one unfragmented piece: header (offset 0, fragment_length = length)
    /// then body. This is also what enters the transcript hash (RFC 6347 §4.2.6), whatever the
    /// fragmentation on the wire.</summary>
    public static byte[] Frame(DtlsHandshakeType type, ushort messageSeq, ReadOnlySpan<byte> body)
    {
        var framed = new byte[DtlsHandshakeHeader.Size + body.Length];
        new DtlsHandshakeHeader(type, body.Length, messageSeq, 0, body.Length).Write(framed);
        body.CopyTo(framed.AsSpan(DtlsHandshakeHeader.Size));
        return framed;
    }

    /// <summary>(offset, length) of each fragment of a body, at most <paramref name="maxFragmentBody"/>
    /// bytes each, in order. An empty body (ServerHelloDone) is still one fragment (0, 0).</summary>
    public static IEnumerable<(int Offset, int Length)> Fragments(int bodyLength, int maxFragmentBody)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bodyLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxFragmentBody);
        return Iterate(bodyLength, maxFragmentBody);

        static IEnumerable<(int, int)> Iterate(int bodyLength, int maxFragmentBody)
        {
            if (bodyLength == 0)
            {
                yield return (0, 0);
                yield break;
            }
            for (int offset = 0; offset < bodyLength; offset += maxFragmentBody)
                yield return (offset, Math.Min(maxFragmentBody, bodyLength - offset));
        }
    }
}
