using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Text;

namespace WebRtcPS.Engine.Ice;

/// <summary>
/// An ICE candidate as carried by the SDP <c>candidate</c> attribute (RFC 8839 §5.1), with the
/// W3C RTCIceCandidate property names. The session-level <c>sdpMid</c>/<c>sdpMLineIndex</c>
/// that travel with it in signaling are not part of the line and belong to the caller.
/// <code>
/// candidate:&lt;foundation&gt; &lt;component&gt; &lt;transport&gt; &lt;priority&gt; &lt;address&gt; &lt;port&gt; typ &lt;type&gt;
///           [raddr &lt;address&gt;] [rport &lt;port&gt;] *(&lt;extension-name&gt; &lt;extension-value&gt;)
/// </code>
/// Known extensions (tcptype, RFC 6544; generation and ufrag, as browsers send them) get
/// properties; unknown ones (network-id, network-cost...) are kept in order in
/// <see cref="Extensions"/> and written back.
/// </summary>
public sealed record RTCIceCandidate
{
    private const string Prefix = "candidate:";

    /// <summary>1-32 ice-chars; equal for candidates that are alike (RFC 8445 §5.1.1.3).</summary>
    /// <summary>Candidates of the same type, base and server share a foundation (RFC 8445 §5.1.1.3).</summary>
    public required string Foundation { get; init; }

    /// <summary>Component ID, 1-256; 1 is RTP and the only one a data channel uses.</summary>
    public int Component { get; init; } = 1;

    /// <summary>UDP or TCP (RFC 6544).</summary>
    public RTCIceProtocol Protocol { get; init; } = RTCIceProtocol.Udp;

    /// <summary>The candidate priority (RFC 8445 §5.1.2); see <see cref="PriorityParts"/>.</summary>
    public uint Priority { get; init; }

    /// <summary>An IP address or, for mDNS-obfuscated host candidates, a ".local" name.</summary>
    public required string Address { get; init; }

    /// <summary>The candidate's port.</summary>
    public int Port { get; init; }

    /// <summary>How the candidate was obtained.</summary>
    public RTCIceCandidateType Type { get; init; }

    /// <summary>raddr: the base of a reflexive or relayed candidate.</summary>
    public string? RelatedAddress { get; init; }

    /// <summary>rport: the port of <see cref="RelatedAddress"/>.</summary>
    public int? RelatedPort { get; init; }

    /// <summary>tcptype of a TCP candidate (RFC 6544 §4.5).</summary>
    public RTCIceTcpCandidateType? TcpType { get; init; }

    /// <summary>The ICE generation (browsers' "generation" extension).</summary>
    public uint? Generation { get; init; }

    /// <summary>The ice-ufrag this candidate belongs to ("ufrag" extension).</summary>
    public string? UsernameFragment { get; init; }

    /// <summary>Extensions with no property, in the order they appeared.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Extensions { get; init; } = [];

    /// <summary>The priority split into type preference, local preference and component.</summary>
    public CandidatePriority PriorityParts => CandidatePriority.FromValue(Priority);

    /// <summary>True when the address is an mDNS name (RFC 8828 / draft-ietf-mmusic-mdns-ice-candidates).</summary>
    public bool IsMdns => Address.EndsWith(".local", StringComparison.OrdinalIgnoreCase) || Address.EndsWith(".local.", StringComparison.OrdinalIgnoreCase);

    /// <summary>The address as an <see cref="IPAddress"/>, or null for a host name.</summary>
    public IPAddress? IPAddress => IPAddress.TryParse(Address, out var ip) ? ip : null;

    /// <summary>
    /// Parses a candidate line, with or without "a=" and "candidate:". On failure,
    /// <paramref name="error"/> names the field that is wrong and what was found.
    /// </summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out RTCIceCandidate? candidate, [NotNullWhen(false)] out string? error)
    {
        candidate = null;
        error = ParseCore(text, out candidate);
        return error is null;
    }

    /// <summary>Parses a candidate line; throws <see cref="FormatException"/> with the reason.</summary>
    public static RTCIceCandidate Parse(string text) =>
        TryParse(text, out var candidate, out var error) ? candidate : throw new FormatException($"Invalid ICE candidate \"{text}\": {error}");

    /// <summary>The attribute value, "candidate:..." (without "a="), lowercase transport and type as browsers write them.</summary>
    public string ToSdpString()
    {
        var sb = new StringBuilder(Prefix, 128);
        sb.Append(Foundation).Append(' ')
          .Append(Component.ToString(CultureInfo.InvariantCulture)).Append(' ')
          .Append(Protocol == RTCIceProtocol.Udp ? "udp" : "tcp").Append(' ')
          .Append(Priority.ToString(CultureInfo.InvariantCulture)).Append(' ')
          .Append(Address).Append(' ')
          .Append(Port.ToString(CultureInfo.InvariantCulture))
          .Append(" typ ").Append(Type.ToString().ToLowerInvariant());
        if (RelatedAddress is not null) sb.Append(" raddr ").Append(RelatedAddress);
        if (RelatedPort is { } rport) sb.Append(" rport ").Append(rport.ToString(CultureInfo.InvariantCulture));
        if (TcpType is { } tcpType) sb.Append(" tcptype ").Append(tcpType.ToString().ToLowerInvariant());
        if (Generation is { } generation) sb.Append(" generation ").Append(generation.ToString(CultureInfo.InvariantCulture));
        if (UsernameFragment is not null) sb.Append(" ufrag ").Append(UsernameFragment);
        foreach (var (name, value) in Extensions) sb.Append(' ').Append(name).Append(' ').Append(value);
        return sb.ToString();
    }

    /// <inheritdoc/>
    public override string ToString() => ToSdpString();

    /// <inheritdoc/>
    public bool Equals(RTCIceCandidate? other) =>
        other is not null &&
        Foundation == other.Foundation && Component == other.Component && Protocol == other.Protocol &&
        Priority == other.Priority && Address == other.Address && Port == other.Port && Type == other.Type &&
        RelatedAddress == other.RelatedAddress && RelatedPort == other.RelatedPort && TcpType == other.TcpType &&
        Generation == other.Generation && UsernameFragment == other.UsernameFragment &&
        Extensions.SequenceEqual(other.Extensions);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Foundation, Component, Protocol, Priority, Address, Port, Type);

    private static string? ParseCore(string? text, out RTCIceCandidate? candidate)
    {
        candidate = null;
        if (string.IsNullOrWhiteSpace(text)) return "the line is empty.";
        var line = text.Trim();
        if (line.StartsWith("a=", StringComparison.Ordinal)) line = line[2..];
        if (line.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)) line = line[Prefix.Length..];
        var f = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (f.Length < 8) return $"expected at least 8 fields (foundation component transport priority address port typ type), found {f.Length}.";

        if (f[0].Length > 32 || !f[0].All(IsIceChar)) return $"foundation '{f[0]}' must be 1-32 characters from A-Z, a-z, 0-9, '+' and '/'.";
        if (!int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out int component) || component is < 1 or > 256)
            return $"component '{f[1]}' must be a number from 1 to 256.";
        RTCIceProtocol protocol;
        if (f[2].Equals("udp", StringComparison.OrdinalIgnoreCase)) protocol = RTCIceProtocol.Udp;
        else if (f[2].Equals("tcp", StringComparison.OrdinalIgnoreCase)) protocol = RTCIceProtocol.Tcp;
        else return $"transport '{f[2]}' is not supported (udp or tcp).";
        if (!uint.TryParse(f[3], NumberStyles.None, CultureInfo.InvariantCulture, out uint priority))
            return $"priority '{f[3]}' must be a number from 0 to 4294967295.";
        if (!IsAddress(f[4])) return $"connection address '{f[4]}' is neither an IP address nor a host name.";
        if (!TryParsePort(f[5], out int port)) return $"port '{f[5]}' must be a number from 0 to 65535.";
        if (!f[6].Equals("typ", StringComparison.OrdinalIgnoreCase)) return $"expected 'typ' after the port, found '{f[6]}'.";
        RTCIceCandidateType type;
        switch (f[7].ToLowerInvariant())
        {
            case "host": type = RTCIceCandidateType.Host; break;
            case "srflx": type = RTCIceCandidateType.Srflx; break;
            case "prflx": type = RTCIceCandidateType.Prflx; break;
            case "relay": type = RTCIceCandidateType.Relay; break;
            default: return $"candidate type '{f[7]}' is not one of host, srflx, prflx, relay.";
        }

        string? raddr = null, ufrag = null;
        int? rport = null;
        uint? generation = null;
        RTCIceTcpCandidateType? tcpType = null;
        var extensions = new List<KeyValuePair<string, string>>();
        for (int i = 8; i < f.Length; i += 2)
        {
            if (i + 1 >= f.Length) return $"extension '{f[i]}' has no value.";
            string name = f[i], value = f[i + 1];
            switch (name)
            {
                case "raddr":
                    if (!IsAddress(value)) return $"raddr '{value}' is neither an IP address nor a host name.";
                    raddr = value;
                    break;
                case "rport":
                    if (!TryParsePort(value, out int rp)) return $"rport '{value}' must be a number from 0 to 65535.";
                    rport = rp;
                    break;
                case "tcptype":
                    tcpType = value.ToLowerInvariant() switch
                    {
                        "active" => RTCIceTcpCandidateType.Active,
                        "passive" => RTCIceTcpCandidateType.Passive,
                        "so" => RTCIceTcpCandidateType.So,
                        _ => null,
                    };
                    if (tcpType is null) return $"tcptype '{value}' is not one of active, passive, so.";
                    break;
                case "generation":
                    if (!uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out uint g)) return $"generation '{value}' must be a non-negative number.";
                    generation = g;
                    break;
                case "ufrag":
                    ufrag = value;
                    break;
                default:
                    extensions.Add(new(name, value));
                    break;
            }
        }

        candidate = new RTCIceCandidate
        {
            Foundation = f[0],
            Component = component,
            Protocol = protocol,
            Priority = priority,
            Address = f[4],
            Port = port,
            Type = type,
            RelatedAddress = raddr,
            RelatedPort = rport,
            TcpType = tcpType,
            Generation = generation,
            UsernameFragment = ufrag,
            Extensions = extensions,
        };
        return null;
    }

    private static bool IsIceChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '+' or '/';

    private static bool TryParsePort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535;

    /// <summary>An IP literal (IPv6 possibly with a zone) or a DNS name such as an mDNS ".local".</summary>
    private static bool IsAddress(string text)
    {
        if (text.Contains(':')) return IPAddress.TryParse(text, out _);
        // IPAddress.TryParse also takes "1234" or "1.2.3"; SDP wants dotted quads (RFC 8866 §9).
        if (text.All(c => char.IsAsciiDigit(c) || c == '.')) return text.Count(c => c == '.') == 3 && IPAddress.TryParse(text, out _);
        return text.Length <= 253 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_');
    }
}
