using System.Text;
using System.Text.Json;

namespace WebRtcPS.Bench.Signaling.Lean;

/// <summary>
/// <c>--check-lean</c>: checks the lean generator's codecs without a server. The streams are the
/// two servers' own framing (captured with curl: both answer /receive chunked, one object and a
/// newline per chunk or, ours under load, several per chunk), fed whole, split at every byte
/// position, and one byte at a time; then requests, answer heads and malformed input.
/// </summary>
internal static class LeanSelfCheck
{
    private const string Tail = Program.CandidateLine;

    public static int Run()
    {
        var failures = 0;
        void Check(bool ok, string what)
        {
            if (ok) return;
            failures++;
            Console.Error.WriteLine($"check-lean: FAILED: {what}");
        }

        // Go: json.Encoder's field order, one object per chunk; a heartbeat between.
        var go = Chunked(
            $"{{\"type\":\"candidate\",\"content\":\"123456789012 0 {Tail}\",\"to\":\"w1-peer-1\",\"from\":\"w1-peer-0\"}}\n",
            "{\"type\":\"heartbeat\"}\n",
            $"{{\"type\":\"candidate\",\"content\":\"123456789999 1 {Tail}\",\"to\":\"w1-peer-1\",\"from\":\"w1-peer-0\"}}\n");
        // Ours: the sender's order; a batch of two in one chunk; an upper-case chunk size with an extension.
        var oursBatch = $"{{\"type\":\"candidate\",\"content\":\"5 7 {Tail}\",\"to\":\"b\",\"from\":\"a\"}}\n"
            + $"{{\"type\":\"candidate\",\"content\":\"6 8 {Tail}\",\"to\":\"b\",\"from\":\"a\"}}\n";
        var third = "{\"content\":\"9 10\",\"type\":\"x\"}\n"; // 31 bytes: "1F"
        var ours = Chunked(oursBatch) + $"{Encoding.UTF8.GetByteCount(third):X};x=y\r\n{third}\r\n";
        // Whitespace, nested values, escapes, other keys that look like "content", a trailer at the end.
        var odd = Chunked(
            " {\"typ\":\"heartbeat\",\"x\":{\"content\":\"1 1\"},\"y\":[1,{\"a\":\"}\"}],\"cont\\u0065nt\":\"no\",\"content\" : \"42 3 \\\"quoted\\\" }\"}\r\n",
            "{\"type\" : \"heartbeat\" , \"n\": null}") + "0\r\nX-Trailer: 1\r\n\r\n";

        CheckStream(go, [(123456789012, 0), (123456789999, 1)], 1, Check, "go");
        CheckStream(ours, [(5, 7), (6, 8), (9, 10)], 0, Check, "ours");
        CheckStream(odd, [(42, 3)], 1, Check, "odd");

        foreach (var bad in new[] { "5\r\n[1,2]\r\n", "3\r\n{}\n\r\n", "6\r\nxx{}\n\r\n", "Z\r\n", "2\r\n  XX" })
            Check(Throws(() => Scan(Encoding.UTF8.GetBytes(bad), [bad.Length])), $"malformed stream throws: {bad.Replace("\r\n", "\\r\\n")}");
        Check(Throws(() => Scan(Encoding.UTF8.GetBytes(Chunked("{\"content\":\"12x 1\"}")), [1000])), "content without a stamp throws");

        // Answer heads of both servers (/send 200, /receive 200), a refusal, an incomplete head.
        Check(Head("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nDate: Fri, 04 Dec 2026 23:48:08 GMT\r\nContent-Length: 16\r\n\r\n{\"status\":\"ok\"}\n")
            == new ResponseHead(200, 16, false, false), "go /send head");
        Check(Head("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nAccess-Control-Allow-Origin: *\r\nCache-Control: no-cache\r\ntransfer-encoding:  Chunked \r\nX-Accel-Buffering: no\r\n\r\n")
            == new ResponseHead(200, -1, true, false), "ours /receive head");
        Check(Head("HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}") == new ResponseHead(429, 2, false, true), "refusal head");
        Check(ResponseHead.TryParse("HTTP/1.1 200 OK\r\nContent-Length: 16\r\n"u8, out _, out _) == ResponseHead.ParseResult.Incomplete, "incomplete head");
        Check(ResponseHead.TryParse("HTTP/1.1 2x0 OK\r\n\r\n"u8, out _, out _) == ResponseHead.ParseResult.Malformed, "malformed status");

        // A request: framing exact, body the protocol's object with the stamp in front of the candidate line.
        var request = new SendRequest(new Uri("http://127.0.0.1:8080/base/"), "w1-peer-0", "w1-peer-1");
        foreach (var (stamp, seq) in new[] { (7L, 0), (98765432109876L, 12345) })
        {
            var text = Encoding.UTF8.GetString(request.Write(stamp, seq).Span);
            var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var body = text[(split + 4)..];
            Check(text.StartsWith("POST /base/send HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n", StringComparison.Ordinal), "request line and host");
            Check(text[..split].EndsWith($"Content-Length: {Encoding.UTF8.GetByteCount(body)}", StringComparison.Ordinal), "content length");
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            Check(root.GetProperty("type").GetString() == "candidate" && root.GetProperty("to").GetString() == "w1-peer-1"
                && root.GetProperty("from").GetString() == "w1-peer-0" && root.GetProperty("content").GetString() == $"{stamp} {seq} {Tail}", $"request body {body}");
        }

        Console.WriteLine(failures == 0 ? "check-lean: all checks passed" : $"check-lean: {failures} failed");
        return failures == 0 ? 0 : 1;
    }

    private static void CheckStream(string stream, (long, int)[] expected, long heartbeats, Action<bool, string> check, string name)
    {
        var bytes = Encoding.UTF8.GetBytes(stream);
        var (found, beats) = Scan(bytes, [bytes.Length]);
        check(found.SequenceEqual(expected) && beats == heartbeats, $"{name} whole: {string.Join(",", found)} / {beats} heartbeats");
        for (var at = 1; at < bytes.Length; at++)
        {
            (found, beats) = Scan(bytes, [at, bytes.Length - at]);
            check(found.SequenceEqual(expected) && beats == heartbeats, $"{name} split at {at}: {string.Join(",", found)} / {beats} heartbeats");
        }
        (found, beats) = Scan(bytes, Enumerable.Repeat(1, bytes.Length).ToArray());
        check(found.SequenceEqual(expected) && beats == heartbeats, $"{name} byte by byte: {string.Join(",", found)} / {beats} heartbeats");
    }

    /// <summary>Feeds <paramref name="bytes"/> in pieces of the given sizes through the decoder and scanner, each piece in its own buffer.</summary>
    private static (List<(long, int)> Found, long Heartbeats) Scan(byte[] bytes, int[] pieces)
    {
        var decoder = new ChunkedDecoder();
        var scanner = new MessageScanner();
        var found = new List<(long, int)>();
        var offset = 0;
        foreach (var size in pieces)
        {
            var piece = bytes.AsSpan(offset, Math.Min(size, bytes.Length - offset)).ToArray();
            offset += piece.Length;
            var pos = 0;
            while (decoder.TryRead(piece, ref pos, out var start, out var length))
            {
                var scan = start;
                while (scanner.TryNext(piece.AsSpan(0, start + length), ref scan, out var stamp, out var seq)) found.Add((stamp, seq));
            }
        }
        return (found, scanner.Heartbeats);
    }

    private static string Chunked(params string[] chunks) =>
        string.Concat(chunks.Select(c => $"{Encoding.UTF8.GetByteCount(c):x}\r\n{c}\r\n"));

    private static ResponseHead Head(string text) =>
        ResponseHead.TryParse(Encoding.ASCII.GetBytes(text), out var head, out _) == ResponseHead.ParseResult.Complete ? head : default;

    private static bool Throws(Action action)
    {
        try
        {
            action();
            return false;
        }
        catch (InvalidDataException)
        {
            return true;
        }
    }
}
