using CsCheck;
using WebRtcPS.Engine.Tests.Fuzz;

namespace WebRtcPS.Engine.Tests.Dtls;

/// <summary>Shared checks for the handshake codecs: records hold byte[], whose equality is by
/// reference, so messages are compared by their encodings.</summary>
internal static class MsgAssert
{
    public delegate bool Parser<T>(ReadOnlySpan<byte> data, out T? value);

    public static byte[] Hex(string hex) => Convert.FromHexString(string.Concat(hex.Where(Uri.IsHexDigit)));

    /// <summary>Parses, re-encodes (both Encode and Write into a larger buffer) and expects the same bytes.</summary>
    public static T RoundTrip<T>(byte[] body, Parser<T> parse, Func<T, byte[]> encode, Func<T, int> encodedLength, Func<T, byte[], int> write)
    {
        Assert.True(parse(body, out var message), "valid encoding did not parse: " + Convert.ToHexString(body));
        Assert.NotNull(message);
        Assert.Equal(body.Length, encodedLength(message));
        Assert.Equal(Convert.ToHexString(body), Convert.ToHexString(encode(message)));
        var buffer = new byte[body.Length + 7];
        Assert.Equal(body.Length, write(message, buffer));
        Assert.Equal(Convert.ToHexString(body), Convert.ToHexString(buffer, 0, body.Length));
        return message;
    }

    /// <summary>Every strict prefix of a valid encoding is rejected, as is one extra trailing byte;
    /// except <paramref name="validPrefix"/>: a hello cut right after its compression method(s) is
    /// a valid hello without extensions (RFC 5246 §7.4.1.2).</summary>
    public static void TruncationsAndTrailingFail<T>(byte[] body, Parser<T> parse, int validPrefix = -1)
    {
        for (int n = 0; n < body.Length; n++)
        {
            if (n != validPrefix)
                Assert.False(parse(body.AsSpan(0, n), out _), $"a {n}-byte prefix of {body.Length} parsed");
        }
        Assert.False(parse([.. body, 0], out _), "a trailing byte was accepted");
    }

    /// <summary>Random and mutated inputs (the fuzz smoke's generator): the parser returns, never throws,
    /// and whatever it accepts re-encodes to a message that parses again.</summary>
    public static void NeverThrows<T>(IReadOnlyList<byte[]> seeds, Parser<T> parse, Func<T, byte[]>? encode = null, int iterations = 20_000) =>
        FuzzInputs.For(seeds).Sample(input =>
        {
            if (parse(input, out var value) && encode is not null)
                Assert.True(parse(encode(value!), out _), "a re-encoded message did not parse");
        }, iter: iterations, threads: 1, print: Convert.ToHexString);
}
