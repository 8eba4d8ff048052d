using System.Globalization;
using System.Net;
using System.Net.Sockets;
using WebRtcPS.Signaling;

namespace WebRtcPS.Engine.Tests.Faults;

/// <summary>
/// Puts an <see cref="ImpairmentRelay"/> between two peers through their signaling: each peer's
/// first IPv4 UDP candidate is replaced by the relay's port facing the other peer (and the relay
/// learns the real address behind it); every other candidate is dropped, so ICE has one path
/// only, through the relay. Candidate lines follow RFC 8839 §5.1
/// ("candidate:foundation component transport priority address port typ type ...").
/// </summary>
public sealed class CandidateRewriter(ImpairmentRelay relay)
{
    private readonly object _lock = new();

    /// <summary>A signaling message from A on its way to B (null: dropped).</summary>
    public SignalingMessage? FromA(SignalingMessage m) => Rewrite(m, fromA: true);

    /// <summary>A signaling message from B on its way to A (null: dropped).</summary>
    public SignalingMessage? FromB(SignalingMessage m) => Rewrite(m, fromA: false);

    private SignalingMessage? Rewrite(SignalingMessage m, bool fromA)
    {
        switch (m.Type)
        {
            case SignalingMessage.Candidate when m.Content.Length == 0:
                return m;   // end of candidates
            case SignalingMessage.Candidate:
                return Candidate(m.Content, fromA) is { } line ? m with { Content = line } : null;
            case SignalingMessage.Offer or SignalingMessage.Answer:
                return m with { Content = Sdp(m.Content, fromA) };
            default:
                return m;
        }
    }

    /// <summary>Rewrites every a=candidate line of an SDP, dropping those that cannot be relayed.</summary>
    public string Sdp(string sdp, bool fromA)
    {
        var lines = new List<string>();
        foreach (var line in sdp.Split("\r\n"))
        {
            if (!line.StartsWith("a=candidate:", StringComparison.Ordinal))
            {
                lines.Add(line);
                continue;
            }
            if (Candidate(line[2..], fromA) is { } rewritten) lines.Add("a=" + rewritten);
        }
        return string.Join("\r\n", lines);
    }

    /// <summary>The candidate line with the relay's address, or null when it is not relayed.</summary>
    public string? Candidate(string line, bool fromA)
    {
        var fields = line.Split(' ');
        if (fields.Length < 8 || !fields[2].Equals("udp", StringComparison.OrdinalIgnoreCase)
            || !IPAddress.TryParse(fields[4], out var address) || address.AddressFamily != AddressFamily.InterNetwork
            || !int.TryParse(fields[5], NumberStyles.None, CultureInfo.InvariantCulture, out var port)) return null;
        var real = new IPEndPoint(address, port);
        var stand = fromA ? relay.EndpointForB : relay.EndpointForA;
        lock (_lock)
        {
            var known = fromA ? relay.PeerA : relay.PeerB;
            if (known is not null && !known.Equals(real)) return null;   // one path only
            if (fromA) relay.PeerA = real;
            else relay.PeerB = real;
        }
        fields[4] = stand.Address.ToString();
        fields[5] = stand.Port.ToString(CultureInfo.InvariantCulture);
        return string.Join(' ', fields);
    }
}
