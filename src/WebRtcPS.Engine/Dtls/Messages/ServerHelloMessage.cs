using System.Diagnostics.CodeAnalysis;

namespace WebRtcPS.Engine.Dtls;

/// <summary>ServerHello body (RFC 5246 §7.4.1.3; unchanged in DTLS 1.2, RFC 6347 §4.2.1).</summary>
/// <remarks><code>
/// server_version(2) | random(32) | session_id&lt;0..32&gt; | cipher_suite(2) | compression_method(1) | [extensions&lt;0..2^16-1&gt;]
/// </code>
/// No extensions parses to an empty list; an empty list is written as no block (TlsExtensionBlock).</remarks>
internal sealed record ServerHelloMessage(ushort Version, byte[] Random, byte[] SessionId, ushort CipherSuite,
    byte CompressionMethod, IReadOnlyList<TlsExtension> Extensions)
{
    public int EncodedLength =>
        2 + ClientHelloMessage.RandomLength + 1 + SessionId.Length + 2 + 1 + TlsExtensionBlock.EncodedLength(Extensions);

    public static bool TryParse(ReadOnlySpan<byte> body, [NotNullWhen(true)] out ServerHelloMessage? message)
    {
        message = null;
        var reader = new HandshakeBodyReader(body);
        if (!reader.TryReadUInt16(out var version)
            || !reader.TryReadBytes(ClientHelloMessage.RandomLength, out var random)
            || !reader.TryReadVector8(0, ClientHelloMessage.MaxSessionIdLength, out var sessionId)
            || !reader.TryReadUInt16(out var suite)
            || !reader.TryReadUInt8(out var compression)
            || !TlsExtensionBlock.TryParse(reader.Rest, out var extensions, out var consumed)
            || consumed != reader.Remaining)
            return false;
        message = new ServerHelloMessage(version, random.ToArray(), sessionId.ToArray(), suite, compression, extensions);
        return true;
    }

    public int Write(Span<byte> destination)
    {
        if (Random.Length != ClientHelloMessage.RandomLength) throw new InvalidOperationException($"A ServerHello random is 32 bytes, not {Random.Length}.");
        if (SessionId.Length > ClientHelloMessage.MaxSessionIdLength) throw new InvalidOperationException("A session id is at most 32 bytes.");
        var writer = new HandshakeBodyWriter(destination[..EncodedLength]);
        writer.WriteUInt16(Version);
        writer.WriteBytes(Random);
        writer.WriteVector8(SessionId);
        writer.WriteUInt16(CipherSuite);
        writer.WriteUInt8(CompressionMethod);
        return writer.Position + TlsExtensionBlock.Write(Extensions, destination[writer.Position..]);
    }

    public byte[] Encode()
    {
        var body = new byte[EncodedLength];
        Write(body);
        return body;
    }
}
