using System.Runtime.CompilerServices;
using System.Text.Json;

namespace WebRtcPS.Signaling.Client;

/// <summary>
/// Reads JSON objects back to back from a stream, as Go's json.Decoder does: no framing is
/// assumed, so objects may be separated by newlines, other whitespace, or nothing at all, and
/// may arrive split across reads.
/// </summary>
internal static class SignalingStreamReader
{
    public static async IAsyncEnumerable<SignalingMessage> ReadAllAsync(Stream stream, int maxMessageBytes = 4 * 1024 * 1024,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var buffer = new byte[16 * 1024];
        int start = 0, end = 0;
        while (true)
        {
            while (true)
            {
                start += LeadingWhitespace(buffer.AsSpan(start, end - start));
                var outcome = TryReadObject(buffer.AsSpan(start, end - start), out var consumed, out var message);
                if (!outcome) break;
                start += consumed;
                if (message is not null) yield return message;
            }

            if (start > 0)
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }
            if (end == buffer.Length)
            {
                if (buffer.Length >= maxMessageBytes)
                    throw new SignalingException($"a signaling message exceeds {maxMessageBytes} bytes");
                Array.Resize(ref buffer, Math.Min(buffer.Length * 2, maxMessageBytes));
            }

            var n = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                if (end > 0) throw new SignalingException("the signaling stream ended inside a message");
                yield break;
            }
            end += n;
        }
    }

    /// <summary>True when a whole object was found (message null if it was not a valid message).</summary>
    internal static bool TryReadObject(ReadOnlySpan<byte> data, out int consumed, out SignalingMessage? message)
    {
        consumed = 0;
        message = null;
        if (data.IsEmpty) return false;
        var reader = new Utf8JsonReader(data, isFinalBlock: false, state: default);
        try
        {
            if (!reader.Read()) return false;
            if (reader.TokenType != JsonTokenType.StartObject)
                throw new SignalingException($"expected a JSON object on the signaling stream, found {reader.TokenType}");
            if (!reader.TrySkip()) return false;
        }
        catch (JsonException ex)
        {
            throw new SignalingException($"malformed JSON on the signaling stream: {ex.Message}", ex);
        }
        consumed = (int)reader.BytesConsumed;
        try
        {
            message = JsonSerializer.Deserialize(data[..consumed], SignalingJson.Default.SignalingMessage);
        }
        catch (JsonException)
        {
            message = null; // a well-formed object of the wrong shape: skip it, keep the stream
        }
        return true;
    }

    private static int LeadingWhitespace(ReadOnlySpan<byte> data)
    {
        var i = 0;
        while (i < data.Length && data[i] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t') i++;
        return i;
    }
}
