using System.Buffers.Text;
using System.Text;

namespace WebRtcPS.Bench.Signaling.Lean;

/// <summary>
/// One peer's <c>POST /send</c>, encoded once: request line, headers, and the body
/// <c>{"type":"candidate","content":"&lt;send time&gt; &lt;seq&gt; candidate:...","to":...,"from":...}</c>
/// (the same fields, order and content as <c>SignalingClient.SendAsync</c> with
/// <see cref="Program.Stamp"/>). Per message only the send time, the sequence number and the
/// <c>Content-Length</c> are written, into the same buffer.
/// </summary>
internal sealed class SendRequest
{
    private readonly byte[] _buffer;
    private readonly int _headLength;
    private readonly byte[] _bodyStart;
    private readonly byte[] _bodyEnd;

    public SendRequest(Uri server, string from, string to)
    {
        CheckId(from);
        CheckId(to);
        var head = Encoding.ASCII.GetBytes(
            $"POST {new Uri(server, "send").PathAndQuery} HTTP/1.1\r\nHost: {server.Authority}\r\n"
            + "Content-Type: application/json; charset=utf-8\r\nContent-Length: ");
        _bodyStart = "{\"type\":\"candidate\",\"content\":\""u8.ToArray();
        _bodyEnd = Encoding.UTF8.GetBytes($" {Program.CandidateLine}\",\"to\":\"{to}\",\"from\":\"{from}\"}}");
        _headLength = head.Length;
        // + Content-Length digits and the empty line, + the send time and sequence number
        _buffer = new byte[head.Length + 24 + _bodyStart.Length + 32 + _bodyEnd.Length];
        head.CopyTo(_buffer, 0);
    }

    /// <summary>The whole request for message <paramref name="seq"/> sent at <paramref name="stamp"/> (a Stopwatch timestamp); valid until the next call.</summary>
    public ReadOnlyMemory<byte> Write(long stamp, int seq)
    {
        Span<byte> words = stackalloc byte[32];
        Utf8Formatter.TryFormat(stamp, words, out var length);
        words[length++] = (byte)' ';
        Utf8Formatter.TryFormat(seq, words[length..], out var seqLength);
        words = words[..(length + seqLength)];

        var span = _buffer.AsSpan();
        var at = _headLength;
        Utf8Formatter.TryFormat(_bodyStart.Length + words.Length + _bodyEnd.Length, span[at..], out var written);
        at += written;
        "\r\n\r\n"u8.CopyTo(span[at..]);
        at += 4;
        _bodyStart.CopyTo(span[at..]);
        at += _bodyStart.Length;
        words.CopyTo(span[at..]);
        at += words.Length;
        _bodyEnd.CopyTo(span[at..]);
        at += _bodyEnd.Length;
        return _buffer.AsMemory(0, at);
    }

    // The ids go into the body as they are: they must need no JSON escaping.
    private static void CheckId(string id)
    {
        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
                throw new ArgumentException($"peer id '{id}' has characters the lean generator does not escape", nameof(id));
        }
    }
}
