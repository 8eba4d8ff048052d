using System.Diagnostics.CodeAnalysis;

namespace WebRtcPS.Engine.Dtls;

/// <summary>ClientHello body (RFC 6347 §4.2.1, RFC 5246 §7.4.1.2): DTLS adds the cookie after the session id.</summary>
/// <remarks><code>
/// client_version(2) | random(32) | session_id&lt;0..32&gt; | cookie&lt;0..2^8-1&gt; |
/// cipher_suites&lt;2..2^16-2&gt; | compression_methods&lt;1..2^8-1&gt; | [extensions&lt;0..2^16-1&gt;]
/// </code>
/// No extensions parses to an empty list; an empty list is written as no block (TlsExtensionBlock).</remarks>
internal sealed record ClientHelloMessage(ushort Version, byte[] Random, byte[] SessionId, byte[] Cookie,
    ushort[] CipherSuites, byte[] CompressionMethods, IReadOnlyList<TlsExtension> Extensions)
{
    public const int RandomLength = 32;
    public const int MaxSessionIdLength = 32;

    public int EncodedLength =>
        2 + RandomLength + 1 + SessionId.Length + 1 + Cookie.Length + 2 + 2 * CipherSuites.Length
        + 1 + CompressionMethods.Length + TlsExtensionBlock.EncodedLength(Extensions);

    public static bool TryParse(ReadOnlySpan<byte> body, [NotNullWhen(true)] out ClientHelloMessage? message)
    {
        message = null;
        var reader = new HandshakeBodyReader(body);
        if (!reader.TryReadUInt16(out var version)
            || !reader.TryReadBytes(RandomLength, out var random)
            || !reader.TryReadVector8(0, MaxSessionIdLength, out var sessionId)
            || !reader.TryReadVector8(0, 0xFF, out var cookie)
            || !reader.TryReadUInt16List(1, out var suites)
            || !reader.TryReadVector8(1, 0xFF, out var compression)
            || !TlsExtensionBlock.TryParse(reader.Rest, out var extensions, out var consumed)
            || consumed != reader.Remaining)
            return false;
        message = new ClientHelloMessage(version, random.ToArray(), sessionId.ToArray(), cookie.ToArray(),
            suites, compression.ToArray(), extensions);
        return true;
    }

    public int Write(Span<byte> destination)
    {
        if (Random.Length != RandomLength) throw new InvalidOperationException($"A ClientHello random is {RandomLength} bytes, not {Random.Length}.");
        if (SessionId.Length > MaxSessionIdLength) throw new InvalidOperationException($"A session id is at most {MaxSessionIdLength} bytes.");
        if (CipherSuites.Length == 0 || CompressionMethods.Length == 0) throw new InvalidOperationException("A ClientHello needs a cipher suite and a compression method.");
        var writer = new HandshakeBodyWriter(destination[..EncodedLength]);
        writer.WriteUInt16(Version);
        writer.WriteBytes(Random);
        writer.WriteVector8(SessionId);
        writer.WriteVector8(Cookie);
        writer.WriteUInt16List(CipherSuites);
        writer.WriteVector8(CompressionMethods);
        return writer.Position + TlsExtensionBlock.Write(Extensions, destination[writer.Position..]);
    }

    public byte[] Encode()
    {
        var body = new byte[EncodedLength];
        Write(body);
        return body;
    }
}
