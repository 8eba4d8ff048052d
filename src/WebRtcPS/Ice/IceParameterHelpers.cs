using System.Management.Automation;
using System.Net;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.Turn;

namespace WebRtcPS.Commands.Ice;

/// <summary>Turns the cmdlets' -IceServer / -Interface strings into engine settings, with errors that say what is wrong.</summary>
internal static class IceParameterHelpers
{
    /// <summary>Parses every -IceServer value; the first bad one is a terminating error naming it.</summary>
    public static IReadOnlyList<IceServerUri> ParseIceServers(PSCmdlet cmdlet, string[]? values)
    {
        var list = new List<IceServerUri>();
        foreach (var value in values ?? [])
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
    /// The TURN servers among <paramref name="servers"/> as a relay candidate source, with the
    /// credential; null when there are none. A TURN server without a credential is an error.
    /// </summary>
    public static TurnRelaySource? RelaySource(PSCmdlet cmdlet, IReadOnlyList<IceServerUri> servers, PSCredential? credential, bool skipCertificateCheck)
    {
        var turn = servers.Where(s => !s.IsStun).ToList();
        if (turn.Count == 0) return null;
        if (credential is null)
        {
            cmdlet.ThrowTerminatingError(new ErrorRecord(new ArgumentException($"TURN server {turn[0]} needs -Credential (user name and password)."),
                "TurnCredentialMissing", ErrorCategory.InvalidArgument, turn[0].ToString()));
        }
        if (skipCertificateCheck && turn.Any(t => t.Scheme == IceServerScheme.Turns))
            cmdlet.WriteWarning("-SkipCertificateCheck: the TURN server's TLS certificate is not validated; anyone on the path could impersonate it.");
        var network = credential!.GetNetworkCredential();
        return new TurnRelaySource(turn.Select(t => new TurnClientOptions
        {
            Server = t,
            Username = network.UserName,
            Password = network.Password,
            SkipCertificateCheck = skipCertificateCheck,
        }));
    }

    /// <summary>True when a filter could admit a loopback address, so loopback must be gathered.</summary>
    public static bool NamesLoopback(string[]? interfaces) =>
        interfaces?.Any(i => i is "lo" or "lo0" || (IPAddress.TryParse(i, out var ip) && IPAddress.IsLoopback(ip))) == true;
}
