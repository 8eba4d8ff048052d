using System.Net;

namespace WebRtcPS.Engine.Ice;

// Our host addresses hidden behind mDNS names, as browsers do (draft-ietf-mmusic-mdns-ice-
// candidates §3.1), when IceAgentOptions.MdnsHostCandidates is set: each host address gets a
// random UUID + ".local" name (§3.1.1), the same for its UDP and TCP candidates; the driver
// answers queries for it (PublishMdnsNameRequest). The candidate keeps its real base (the
// socket's address) for everything but what is signalled and reported.
internal sealed partial class IceAgentCore
{
    private readonly Dictionary<IPAddress, string> _mdnsHostNames = [];

    /// <summary>What a host candidate on <paramref name="address"/> signals: the address, or its name.</summary>
    private string HostCandidateAddress(IPAddress address)
    {
        var text = FormatAddress(address);
        if (!_options.MdnsHostCandidates || IPAddress.IsLoopback(address)) return text;
        var key = IPAddress.Parse(text);
        if (!_mdnsHostNames.TryGetValue(key, out var name))
        {
            name = _random.NewUuid().ToString("D") + ".local";
            _mdnsHostNames[key] = name;
            Requests.Add(new PublishMdnsNameRequest(name, key));
        }
        return name;
    }
}
