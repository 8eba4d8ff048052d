using System.Diagnostics.CodeAnalysis;

namespace WebRtcPS.Engine.Sdp;

/// <summary>
/// The <c>c=&lt;nettype&gt; &lt;addrtype&gt; &lt;connection-address&gt;</c> line (RFC 8866 §5.7).
/// JSEP (RFC 8829 §5.2.1) writes the dummy <c>c=IN IP4 0.0.0.0</c>; the address may carry a
/// multicast TTL or count suffix, kept verbatim.
/// </summary>
internal sealed record SdpConnection(string NetworkType, string AddressType, string Address)
{
    /// <summary>The JSEP placeholder, <c>IN IP4 0.0.0.0</c>.</summary>
    public static SdpConnection Dummy { get; } = new("IN", "IP4", "0.0.0.0");

    public override string ToString() => $"{NetworkType} {AddressType} {Address}";

    internal static bool TryParse(string value, [NotNullWhen(true)] out SdpConnection? connection, [NotNullWhen(false)] out string? error)
    {
        connection = null;
        var f = value.Split(' ');
        if (f.Length != 3 || f.Any(string.IsNullOrEmpty))
        {
            error = $"expected \"<nettype> <addrtype> <address>\" (3 fields separated by single spaces), found {f.Length}.";
            return false;
        }
        if (!SdpSyntax.IsToken(f[0]) || !SdpSyntax.IsToken(f[1]))
        {
            error = $"network type '{f[0]}' and address type '{f[1]}' must be tokens (e.g. IN IP4).";
            return false;
        }
        connection = new SdpConnection(f[0], f[1], f[2]);
        error = null;
        return true;
    }
}
