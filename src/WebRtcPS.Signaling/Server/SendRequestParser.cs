using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;

namespace WebRtcPS.Signaling.Server;

/// <summary>
/// Validates a /send body and produces the exact bytes forwarded on the addressee's stream:
/// the same JSON object, compacted, newline-terminated (what Go's json.Encoder writes).
/// Unknown properties are kept so clients may extend the protocol.
/// </summary>
internal static class SendRequestParser
{
    private static readonly string[] RequiredFields = ["type", "to"];
    private static readonly string[] StringFields = ["type", "to", "from", "content"];

    public readonly record struct Result(QueuedMessage? Message, string? Error, string? Field);

    // The compacted copy is written into a buffer and writer kept per thread (reset per body), so
    // a /send allocates its payload array and the strings it needs, not a writer and two buffers.
    [ThreadStatic] private static ArrayBufferWriter<byte>? _threadBuffer;
    [ThreadStatic] private static Utf8JsonWriter? _threadWriter;

    public static Result Parse(ReadOnlySpan<byte> body, int maxIdLength, DateTimeOffset now)
    {
        // JSON text is UTF-8 (RFC 8259 §8.1); JsonDocument checks a string's bytes only when it is read.
        if (!Utf8.IsValid(body)) return Fail("body is not valid UTF-8", null);
        JsonDocument doc;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 16 });
            doc = JsonDocument.ParseValue(ref reader);
            if (reader.Read()) // anything but whitespace after the object
            {
                doc.Dispose();
                return Fail("body must hold exactly one JSON object", null);
            }
        }
        catch (JsonException ex)
        {
            return Fail($"malformed JSON: {ex.Message}", null);
        }

        using (doc)
        try
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return Fail("body must be a JSON object", null);

            foreach (var name in StringFields)
            {
                if (root.TryGetProperty(name, out var value) && value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                    return Fail($"field '{name}' must be a string", name);
            }
            foreach (var name in RequiredFields)
            {
                if (!root.TryGetProperty(name, out var value) || string.IsNullOrEmpty(value.GetString()))
                    return Fail($"missing field '{name}'", name);
            }

            var type = root.GetProperty("type").GetString()!;
            var to = root.GetProperty("to").GetString()!;
            var from = root.TryGetProperty("from", out var f) ? f.GetString() ?? "" : "";
            if (PeerIdRules.Check(to, maxIdLength) is { } badTo) return Fail($"field 'to' {badTo}", "to");
            if (from.Length > 0 && PeerIdRules.Check(from, maxIdLength) is { } badFrom) return Fail($"field 'from' {badFrom}", "from");

            var buffer = _threadBuffer ??= new ArrayBufferWriter<byte>(1024);
            var writer = _threadWriter ??= new Utf8JsonWriter(buffer);
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            try
            {
                root.WriteTo(writer);
                writer.Flush();
                buffer.Write("\n"u8);
                return new Result(new QueuedMessage(type, from, to, buffer.WrittenSpan.ToArray(), now), null, null);
            }
            finally
            {
                // A large body must not keep its buffer alive on this thread.
                if (buffer.Capacity > 64 * 1024)
                {
                    _threadBuffer = null;
                    _threadWriter = null;
                }
            }
        }
        catch (InvalidOperationException ex)
        {
            // An escape that is no UTF-16 text (a lone surrogate, "\ud800"): GetString and the writer refuse it.
            return Fail($"malformed JSON: {ex.Message}", null);
        }
    }

    private static Result Fail(string error, string? field) => new(null, error, field);
}
