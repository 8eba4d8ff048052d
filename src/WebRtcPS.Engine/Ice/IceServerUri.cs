using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace WebRtcPS.Engine.Ice;

/// <summary>URI schemes of ICE servers (RFC 7064, RFC 7065).</summary>
internal enum IceServerScheme
{
    Stun,
    Stuns,
    Turn,
    Turns,
}

/// <summary>
/// A STUN or TURN server URI: <c>stun:host[:port]</c> (RFC 7064 §3.1) or
/// <c>turn:host[:port][?transport=udp|tcp]</c> (RFC 7065 §3.1). IPv6 literals go in brackets.
/// Default ports: 3478, or 5349 for the TLS schemes.
/// </summary>
internal sealed record IceServerUri(IceServerScheme Scheme, string Host, int Port, RTCIceProtocol? Transport = null)
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out IceServerUri? uri, [NotNullWhen(false)] out string? error)
    {
        uri = null;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the URI is empty.";
            return false;
        }
        var s = text.Trim();
        int colon = s.IndexOf(':');
        if (colon < 0)
        {
            error = "expected a scheme (stun:, stuns:, turn:, turns:).";
            return false;
        }
        IceServerScheme scheme;
        switch (s[..colon].ToLowerInvariant())
        {
            case "stun": scheme = IceServerScheme.Stun; break;
            case "stuns": scheme = IceServerScheme.Stuns; break;
            case "turn": scheme = IceServerScheme.Turn; break;
            case "turns": scheme = IceServerScheme.Turns; break;
            default:
                error = $"scheme '{s[..colon]}' is not one of stun, stuns, turn, turns.";
                return false;
        }
        var rest = s[(colon + 1)..];
        RTCIceProtocol? transport = null;
        int query = rest.IndexOf('?');
        if (query >= 0)
        {
            var q = rest[(query + 1)..];
            rest = rest[..query];
            if (scheme is IceServerScheme.Stun or IceServerScheme.Stuns)
            {
                error = "a stun: URI takes no query (RFC 7064).";
                return false;
            }
            if (q.Equals("transport=udp", StringComparison.OrdinalIgnoreCase)) transport = RTCIceProtocol.Udp;
            else if (q.Equals("transport=tcp", StringComparison.OrdinalIgnoreCase)) transport = RTCIceProtocol.Tcp;
            else
            {
                error = $"query '{q}' must be transport=udp or transport=tcp.";
                return false;
            }
        }
        string host;
        string? portText = null;
        if (rest.StartsWith('['))
        {
            int close = rest.IndexOf(']');
            if (close < 0)
            {
                error = "IPv6 literal without ']'.";
                return false;
            }
            host = rest[1..close];
            var after = rest[(close + 1)..];
            if (after.Length > 0)
            {
                if (after[0] != ':')
                {
                    error = $"unexpected '{after}' after the host.";
                    return false;
                }
                portText = after[1..];
            }
        }
        else
        {
            int portColon = rest.LastIndexOf(':');
            host = portColon >= 0 ? rest[..portColon] : rest;
            portText = portColon >= 0 ? rest[(portColon + 1)..] : null;
        }
        if (host.Length == 0 || host.Contains('/') || host.Contains('@'))
        {
            error = $"host '{host}' is not a host name or IP literal.";
            return false;
        }
        int port = scheme is IceServerScheme.Stuns or IceServerScheme.Turns ? 5349 : 3478;
        if (portText is not null && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            error = $"port '{portText}' must be a number from 1 to 65535.";
            return false;
        }
        uri = new IceServerUri(scheme, host, port, transport);
        return true;
    }

    public static IceServerUri Parse(string text) =>
        TryParse(text, out var uri, out var error) ? uri : throw new FormatException($"Invalid ICE server URI \"{text}\": {error}");

    public bool IsStun => Scheme is IceServerScheme.Stun or IceServerScheme.Stuns;

    public override string ToString()
    {
        var host = Host.Contains(':') ? $"[{Host}]" : Host;
        var scheme = Scheme.ToString().ToLowerInvariant();
        var query = Transport is { } t ? $"?transport={t.ToString().ToLowerInvariant()}" : "";
        return $"{scheme}:{host}:{Port.ToString(CultureInfo.InvariantCulture)}{query}";
    }
}
