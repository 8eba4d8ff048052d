using WebRtcPS.Signaling.Client;
using WebRtcPS.Signaling.Server;

namespace WebRtcPS.Fuzz;

/// <summary>Signaling JSON: the /receive stream reader (back-to-back objects; refuses a bad
/// stream with <see cref="SignalingException"/>) and the server's /send body parser (returns an
/// error result, never throws).</summary>
internal static class SignalingTargets
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static void Json(ReadOnlySpan<byte> input)
    {
        var result = SendRequestParser.Parse(input, 64, Now);
        _ = result.Message?.ToString();
        try
        {
            _ = SignalingStreamReader.TryReadObject(input, out _, out var message);
            _ = message?.IsHeartbeat;
        }
        catch (SignalingException)
        {
        }
    }

    /// <summary>The whole /receive stream, in reads of varying size, with a small message limit
    /// so the limit's path runs too.</summary>
    public static void Stream(ReadOnlySpan<byte> input)
    {
        using var stream = new ChunkedStream(input.ToArray());
        try
        {
            var messages = SignalingStreamReader.ReadAllAsync(stream, maxMessageBytes: 32 * 1024).GetAsyncEnumerator();
            try
            {
                while (messages.MoveNextAsync().AsTask().GetAwaiter().GetResult()) _ = messages.Current.IsHeartbeat;
            }
            finally
            {
                messages.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
        catch (SignalingException)
        {
        }
    }
}
