using System.Management.Automation;
using System.Net;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.Turn;

namespace WebRtcPS.Commands.Ice;

/// <summary>Turns the cmdlets' -IceServer / -Interface strings into engine settings, with errors that say what is wrong.</summary>
internal static class IceParameterHelpers
{
    /// <summary>Parses every -IceServer value; the first bad one is a terminating error naming it.</summary>
    public static IReadOnlyList<IceServerUri> ParseIceServers(PSCmdlet cmdlet, IceServer[]? servers)
    {
        var list = new List<IceServerUri>();
        foreach (var value in servers?.SelectMany(s => s.Urls) ?? [])
        {
            if (!IceServerUri.TryParse(value, out var uri, out var error))
            {
                cmdlet.ThrowTerminatingError(new ErrorRecord(new ArgumentException($"'{value}' is not a STUN or TURN URI: {error}"),
                    "InvalidIceServerUri", ErrorCategory.InvalidArgument, value)
                {
                    ErrorDetails = new ErrorDetails($"'{value}' is not a STUN or TURN URI: {error}")
                    {
                        RecommendedAction = "Use stun:HOST[:PORT], turn:HOST[:PORT][?transport=udp|tcp] or turns:HOST[:PORT].",
                    },
                });
            }
            list.Add(uri!);
        }
        Completion.IceServerCompleter.Remember(list.Select(u => u.ToString()));
        return list;
    }

    /// <summary>
    /// An interface filter from names ("lo", "eth0") or addresses ("127.0.0.1"); null when none given.
    /// </summary>
    public static Func<IceNetworkAddress, bool>? InterfaceFilter(string[]? interfaces)
    {
        if (interfaces is not { Length: > 0 }) return null;
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var addresses = new HashSet<IPAddress>();
        foreach (var item in interfaces)
        {
            if (IPAddress.TryParse(item, out var ip)) addresses.Add(ip);
            else names.Add(item);
        }
        return a => names.Contains(a.InterfaceName) || addresses.Contains(a.Address);
    }

    /// <summary>
    /// The W3C ICE server list the parameters describe: each entry with its own credential as one
    /// RTCIceServer; the other STUN URLs together; the other TURN URLs with -Credential (a TURN URL
    /// with neither is an error). Empty when there are no servers.
    /// </summary>
    public static IReadOnlyList<RTCIceServer> IceServers(PSCmdlet cmdlet, IceServer[]? servers, PSCredential? credential)
    {
        var list = new List<RTCIceServer>();
        var stun = new List<string>();
        var turn = new List<string>();
        foreach (var server in servers ?? [])
        {
            if (server.ToCredential() is { } own)
            {
                var network = own.GetNetworkCredential();
                list.Add(new RTCIceServer { Urls = server.Urls, Username = network.UserName, Credential = network.Password });
                continue;
            }
            foreach (var url in server.Urls)
            {
                if (IceServerUri.TryParse(url, out var uri, out _) && uri.IsStun) stun.Add(uri.ToString());
                else turn.Add(uri?.ToString() ?? url);
            }
        }
        if (stun.Count > 0) list.Insert(0, new RTCIceServer { Urls = stun });
        if (turn.Count == 0) return list;
        if (credential is null)
        {
            cmdlet.ThrowTerminatingError(new ErrorRecord(new ArgumentException($"TURN server {turn[0]} needs -Credential (user name and password)."),
                "TurnCredentialMissing", ErrorCategory.InvalidArgument, turn[0])
            {
                ErrorDetails = new ErrorDetails($"TURN server {turn[0]} needs -Credential (user name and password).")
                {
                    RecommendedAction = "Give -Credential, or per server: -IceServer @{ Urls = 'turn:host:3478'; Username = 'user'; Credential = $secureString }.",
                },
            });
        }
        var shared = credential!.GetNetworkCredential();
        list.Add(new RTCIceServer { Urls = turn, Username = shared.UserName, Credential = shared.Password });
        return list;
    }

    /// <summary>The TURN client settings of -SkipCertificateCheck (with a warning when a turns: server is affected).</summary>
    public static TurnSettings TurnSettings(PSCmdlet cmdlet, IReadOnlyList<IceServerUri> servers, bool skipCertificateCheck)
    {
        if (skipCertificateCheck && servers.Any(t => t.Scheme == IceServerScheme.Turns))
            cmdlet.WriteWarning("-SkipCertificateCheck: the TURN server's TLS certificate is not validated; anyone on the path could impersonate it.");
        return new TurnSettings { SkipCertificateCheck = skipCertificateCheck };
    }

    /// <summary>True when a filter could admit a loopback address, so loopback must be gathered.</summary>
    public static bool NamesLoopback(string[]? interfaces) =>
        interfaces?.Any(i => i is "lo" or "lo0" || (IPAddress.TryParse(i, out var ip) && IPAddress.IsLoopback(ip))) == true;
}
