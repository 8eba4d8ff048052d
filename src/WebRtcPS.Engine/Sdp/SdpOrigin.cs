using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace WebRtcPS.Engine.Sdp;

/// <summary>
/// The <c>o=&lt;username&gt; &lt;sess-id&gt; &lt;sess-version&gt; &lt;nettype&gt; &lt;addrtype&gt; &lt;unicast-address&gt;</c>
/// line (RFC 8866 §5.2). JSEP (RFC 8829 §5.2.1): username "-", a random session id below 2^63, a
/// version that grows by one with every new local description, and <c>IN IP4 0.0.0.0</c>.
/// </summary>
internal sealed record SdpOrigin(
    string Username, ulong SessionId, ulong SessionVersion,
    string NetworkType = "IN", string AddressType = "IP4", string UnicastAddress = "0.0.0.0")
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Username} {SessionId} {SessionVersion} {NetworkType} {AddressType} {UnicastAddress}");

    /// <summary>A JSEP origin with a fresh random session id below 2^63 (RFC 8829 §5.2.1) and the given version.</summary>
    public static SdpOrigin CreateJsep(ulong sessionVersion = 2) =>
        new("-", RandomSessionId(), sessionVersion);

    private static ulong RandomSessionId()
    {
        Span<byte> b = stackalloc byte[8];
        System.Security.Cryptography.RandomNumberGenerator.Fill(b);
        return (System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(b) >> 1) | 1;
    }

    internal static bool TryParse(string value, [NotNullWhen(true)] out SdpOrigin? origin, [NotNullWhen(false)] out string? error)
    {
        origin = null;
        var f = value.Split(' ');
        if (f.Length != 6 || f.Any(string.IsNullOrEmpty))
        {
            error = $"expected 6 fields \"<username> <sess-id> <sess-version> <nettype> <addrtype> <address>\", found {f.Length}.";
            return false;
        }
        // sess-id and sess-version are numeric strings (RFC 8866 §5.2); browsers stay below 2^64.
        if (!ulong.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            error = $"session id '{f[1]}' must be a decimal number below 2^64.";
            return false;
        }
        if (!ulong.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            error = $"session version '{f[2]}' must be a decimal number below 2^64.";
            return false;
        }
        origin = new SdpOrigin(f[0], id, version, f[3], f[4], f[5]);
        error = null;
        return true;
    }
}
