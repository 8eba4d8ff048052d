using System.Buffers.Text;
using System.Text;

namespace WebRtcPS.Bench.Signaling.Lean;

/// <summary>
/// What the lean load generator reads of an HTTP/1.1 response head (RFC 9112 §4, §6): the status
/// code and the headers that frame the body. <c>ContentLength</c> is -1 when the head has none.
/// </summary>
internal readonly record struct ResponseHead(int Status, long ContentLength, bool Chunked, bool Close)
{
    public enum ParseResult { Incomplete, Complete, Malformed }

    private static ReadOnlySpan<byte> EndOfHead => "\r\n\r\n"u8;

    /// <summary>
    /// Parses the head at the start of <paramref name="data"/>; <paramref name="length"/> is its
    /// size including the empty line. Incomplete while the empty line has not arrived.
    /// </summary>
    public static ParseResult TryParse(ReadOnlySpan<byte> data, out ResponseHead head, out int length)
    {
        head = default;
        length = 0;
        var end = data.IndexOf(EndOfHead);
        if (end < 0) return ParseResult.Incomplete;
        length = end + EndOfHead.Length;

        // Status line: HTTP/1.x SP 3DIGIT SP reason
        var lines = data[..(end + 2)];
        var lineEnd = lines.IndexOf("\r\n"u8);
        var statusLine = lines[..lineEnd];
        if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1."u8) || statusLine[8] != (byte)' '
            || !Utf8Parser.TryParse(statusLine.Slice(9, 3), out int status, out var used) || used != 3)
            return ParseResult.Malformed;

        var contentLength = -1L;
        var chunked = false;
        var close = statusLine[7] == (byte)'0'; // HTTP/1.0 closes unless told otherwise; our servers speak 1.1
        lines = lines[(lineEnd + 2)..];
        while (!lines.IsEmpty)
        {
            lineEnd = lines.IndexOf("\r\n"u8);
            var line = lines[..lineEnd];
            lines = lines[(lineEnd + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0) return ParseResult.Malformed;
            var name = line[..colon];
            var value = line[(colon + 1)..];
            value = value[Ascii.Trim(value)];
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                if (!Utf8Parser.TryParse(value, out long n, out used) || used != value.Length || n < 0) return ParseResult.Malformed;
                contentLength = n;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                chunked = EndsWithChunked(value);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                if (ContainsIgnoreCase(value, "close"u8)) close = true;
                else if (ContainsIgnoreCase(value, "keep-alive"u8)) close = false;
            }
        }
        head = new ResponseHead(status, chunked ? -1 : contentLength, chunked, close);
        return ParseResult.Complete;
    }

    // "chunked" must be the last coding (RFC 9112 §6.1); anything else is not a framing we read.
    private static bool EndsWithChunked(ReadOnlySpan<byte> value)
    {
        var comma = value.LastIndexOf((byte)',');
        var last = comma < 0 ? value : value[(comma + 1)..];
        return Ascii.EqualsIgnoreCase(last[Ascii.Trim(last)], "chunked"u8);
    }

    private static bool ContainsIgnoreCase(ReadOnlySpan<byte> value, ReadOnlySpan<byte> token)
    {
        for (var i = 0; i + token.Length <= value.Length; i++)
        {
            if (Ascii.EqualsIgnoreCase(value.Slice(i, token.Length), token)) return true;
        }
        return false;
    }
}
