using System.Diagnostics.CodeAnalysis;

namespace WebRtcPS.Engine.Dtls;

/// <summary>The extensions block of a ClientHello or ServerHello (RFC 5246 §7.4.1.2, §7.4.1.4):</summary>
/// <remarks><code>
/// extensions_length(2) | { extension_type(2) | extension_data&lt;0..2^16-1&gt; }*
/// </code>
/// The block is optional: a hello that ends after its compression method(s) has none (§7.4.1.2).
/// Here an empty input parses as an empty list, and an empty list is written as no block at all.</remarks>
internal static class TlsExtensionBlock
{
    /// <summary>Parses the block at the start of <paramref name="data"/> (with its 2-byte length);
    /// <paramref name="consumed"/> says how far it went (0 for an empty input). False when malformed,
    /// or when one type appears twice (§7.4.1.4: "MUST NOT be more than one extension of the same type").</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out List<TlsExtension> extensions, out int consumed)
    {
        extensions = [];
        consumed = 0;
        if (data.IsEmpty) return true;
        var outer = new HandshakeBodyReader(data);
        if (!outer.TryReadVector16(0, 0xFFFF, out var block)) return false;
        var reader = new HandshakeBodyReader(block);
        while (!reader.IsEmpty)
        {
            if (!reader.TryReadUInt16(out var type) || !reader.TryReadVector16(0, 0xFFFF, out var extensionData)) return false;
            foreach (var seen in extensions)
                if (seen.Type == type) return false;
            extensions.Add(new TlsExtension(type, extensionData.ToArray()));
        }
        consumed = outer.Position;
        return true;
    }

    /// <summary>Bytes <see cref="Write"/> writes: 0 for an empty list, else 2 + 4 per extension + data.</summary>
    public static int EncodedLength(IReadOnlyList<TlsExtension> extensions)
    {
        if (extensions.Count == 0) return 0;
        int length = 2;
        foreach (var e in extensions) length += 4 + e.Data.Length;
        return length;
    }

    public static int Write(IReadOnlyList<TlsExtension> extensions, Span<byte> destination)
    {
        int length = EncodedLength(extensions);
        if (length == 0) return 0;
        if (length - 2 > 0xFFFF) throw new ArgumentException($"{length - 2} bytes of extensions do not fit a 2-byte length.", nameof(extensions));
        var writer = new HandshakeBodyWriter(destination[..length]);
        writer.WriteUInt16((ushort)(length - 2));
        foreach (var e in extensions)
        {
            writer.WriteUInt16(e.Type);
            writer.WriteVector16(e.Data);
        }
        return writer.Position;
    }

    /// <summary>The data of the extension of <paramref name="type"/>, if present.</summary>
    public static bool TryGet(IReadOnlyList<TlsExtension> extensions, ushort type, [NotNullWhen(true)] out byte[]? data)
    {
        foreach (var e in extensions)
        {
            if (e.Type == type)
            {
                data = e.Data;
                return true;
            }
        }
        data = null;
        return false;
    }
}
