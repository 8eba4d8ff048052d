using System.Net;
using System.Net.Sockets;

namespace WebRtcPS.Engine.Ice;

// The peer's ".local" names (draft-ietf-mmusic-mdns-ice-candidates §3.2): one lookup per name
// (a driver's ResolveMdnsRequest, answered by MdnsResolved), a bounded wait after which the name
// is reported unresolved, and a limit on how many names one peer may make us look up. Resolved
// candidates join as if signalled with the address; a peer-reflexive candidate already learned
// from the same address is upgraded in place (AddResolvedRemoteCandidate, RFC 8445 §7.3.1.3).
internal sealed partial class IceAgentCore
{
    private readonly Dictionary<string, MdnsLookup> _mdnsLookups = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, IPAddress> _mdnsResolved = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _mdnsUnresolved = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _mdnsUnresolvedHistory = [];
    private long _nextMdnsLookupId;

    /// <summary>A name being looked up: the candidates that carry it, and when we give up.</summary>
    private sealed class MdnsLookup(long id, string name, TimeSpan deadline)
    {
        public long Id { get; } = id;
        public string Name { get; } = name;
        public TimeSpan Deadline { get; } = deadline;
        public List<RTCIceCandidate> Candidates { get; } = [];
    }

    /// <summary>The answer to a <see cref="ResolveMdnsRequest"/>: the name's addresses (none when
    /// nobody answered), or <paramref name="error"/>. Answers to lookups already given up (the
    /// bounded wait), or of an earlier ICE generation, are ignored.</summary>
    public void MdnsResolved(TimeSpan now, long id, IReadOnlyList<IPAddress> addresses, string? error)
    {
        Begin(now);
        try
        {
            var lookup = _mdnsLookups.Values.FirstOrDefault(l => l.Id == id);
            if (lookup is null) return;
            _mdnsLookups.Remove(lookup.Name);
            if (PickMdnsAddress(addresses) is not { } address)
            {
                GiveUpMdns(lookup, error is null ? "nobody answered the mDNS query" : error);
                return;
            }
            _mdnsResolved[lookup.Name] = address;
            foreach (var candidate in lookup.Candidates) AddResolvedRemoteCandidate(candidate, address);
        }
        finally
        {
            End();
        }
    }

    private void OnMdnsRemoteCandidate(RTCIceCandidate candidate)
    {
        if (_options.MdnsResolver is null)
        {
            Reject(candidate, "mDNS name and no resolver configured");
            return;
        }
        var name = candidate.Address.TrimEnd('.');
        if (_mdnsResolved.TryGetValue(name, out var known))
        {
            AddResolvedRemoteCandidate(candidate, known);
            return;
        }
        if (_mdnsUnresolved.Contains(name))
        {
            Reject(candidate, $"mDNS name {name} did not resolve (looked up already)");
            return;
        }
        if (_mdnsLookups.TryGetValue(name, out var pending))
        {
            // Several candidates (UDP and TCP, say) share one name: one query.
            pending.Candidates.Add(candidate);
            return;
        }
        if (_mdnsResolved.Count + _mdnsUnresolved.Count + _mdnsLookups.Count >= _options.MaxMdnsNames)
        {
            Reject(candidate, $"mDNS name {name} not looked up: the peer already gave {_options.MaxMdnsNames} names (MaxMdnsNames)");
            return;
        }
        var lookup = new MdnsLookup(++_nextMdnsLookupId, name, _now + _options.MdnsTimeout);
        lookup.Candidates.Add(candidate);
        _mdnsLookups[name] = lookup;
        Requests.Add(new ResolveMdnsRequest(lookup.Id, name, _options.MdnsTimeout));
    }

    /// <summary>Lookups past their bounded wait: the names are reported unresolved (a late answer is ignored).</summary>
    private void ExpireMdnsLookups(TimeSpan now)
    {
        foreach (var lookup in _mdnsLookups.Values.Where(l => l.Deadline <= now).ToList())
        {
            _mdnsLookups.Remove(lookup.Name);
            GiveUpMdns(lookup, "no answer");
        }
    }

    private void GiveUpMdns(MdnsLookup lookup, string why)
    {
        _mdnsUnresolved.Add(lookup.Name);
        if (!_mdnsUnresolvedHistory.Contains(lookup.Name, StringComparer.OrdinalIgnoreCase)) _mdnsUnresolvedHistory.Add(lookup.Name);
        var wait = _options.MdnsTimeout.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var candidate in lookup.Candidates) Reject(candidate, $"mDNS name {lookup.Name} did not resolve within {wait} s: {why}");
    }

    private TimeSpan? MdnsDeadline() => _mdnsLookups.Count == 0 ? null : _mdnsLookups.Values.Min(l => l.Deadline);

    /// <summary>One address of several (draft-ietf-mmusic-mdns-ice-candidates §3.2.1: the first
    /// IPv6 one, else the first IPv4 one); link-local IPv6 addresses are skipped, as for our own
    /// host candidates (they need a scope the name does not carry).</summary>
    private static IPAddress? PickMdnsAddress(IReadOnlyList<IPAddress> addresses) =>
        addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetworkV6 && !a.IsIPv6LinkLocal && !a.IsIPv4MappedToIPv6)
        ?? addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
        ?? addresses.FirstOrDefault(a => a.IsIPv4MappedToIPv6);
}
