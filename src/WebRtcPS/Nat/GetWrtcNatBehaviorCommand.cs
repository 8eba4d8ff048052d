using System.Management.Automation;
using System.Net;
using WebRtcPS.Commands.Infrastructure;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.Nat;

namespace WebRtcPS.Commands.Nat;

/// <summary>
/// Discovers this host's NAT behaviour against an RFC 5780 STUN server: mapping, filtering,
/// hairpinning, port preservation, UDP blocked, the TURN ports over TCP, and a verdict in plain
/// words. A server without RFC 5780 gives a partial answer (Unknown with a Reason), not an error.
/// </summary>
[Cmdlet(VerbsCommon.Get, "WrtcNatBehavior")]
[OutputType(typeof(NatBehavior))]
public sealed class GetWrtcNatBehaviorCommand : AsyncPipelineCmdlet
{
    /// <summary>stun:HOST[:PORT] of a server with two IP addresses (RFC 5780).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [Alias("Uri")]
    [ValidateNotNullOrEmpty]
    public string StunServer { get; set; } = "";

    /// <summary>The server's TURN ports tried over TCP; none with @().</summary>
    [Parameter]
    [AllowEmptyCollection]
    [ValidateRange(1, 65535)]
    public int[] TurnPort { get; set; } = [NatDiscoveryOptions.DefaultTurnPort, NatDiscoveryOptions.DefaultTurnTlsPort];

    /// <summary>The local address to test from (default: the one the route to the server uses).</summary>
    [Parameter]
    public IPAddress? LocalAddress { get; set; }

    /// <summary>How long a test waits for an answer that may never come.</summary>
    [Parameter]
    [ValidateRange(1, 60)]
    public int TimeoutSec { get; set; } = 3;

    protected override void ProcessRecord()
    {
        if (!IceServerUri.TryParse(StunServer, out var uri, out var error) || uri.Scheme != IceServerScheme.Stun)
        {
            var message = error is null
                ? $"'{StunServer}' is not a stun: URI: NAT behaviour discovery (RFC 5780) runs over UDP against a STUN server."
                : $"'{StunServer}' is not a STUN URI: {error}";
            ThrowTerminatingError(new ErrorRecord(new ArgumentException(message), "InvalidStunServerUri", ErrorCategory.InvalidArgument, StunServer)
            {
                ErrorDetails = new ErrorDetails(message)
                {
                    RecommendedAction = "Use stun:HOST[:PORT] of a server with two IP addresses (RFC 5780), e.g. coturn with two listening-ip lines.",
                },
            });
            return;
        }
        using var log = OpenEngineLog();
        var options = new NatDiscoveryOptions
        {
            StunServer = uri,
            LocalAddress = LocalAddress,
            TurnPorts = TurnPort ?? [],
            Timeout = TimeSpan.FromSeconds(TimeoutSec),
        };
        if (log is not null) options = log.Apply(options);

        NatBehaviorReport report;
        try
        {
            report = RunToCompletion(ct => NatBehaviorDiscovery.RunAsync(options, ct));
        }
        catch (NatDiscoveryException ex)
        {
            var (id, category) = ex.Error switch
            {
                NatDiscoveryError.ServerNotResolved => ("StunServerNotResolved", ErrorCategory.ObjectNotFound),
                NatDiscoveryError.LocalAddressUnavailable => ("LocalAddressUnavailable", ErrorCategory.InvalidArgument),
                _ => ("NoRouteToStunServer", ErrorCategory.ConnectionError),
            };
            ThrowTerminatingError(new ErrorRecord(ex, id, category, ex.Error == NatDiscoveryError.LocalAddressUnavailable ? LocalAddress : StunServer));
            return;
        }

        WriteObject(new NatBehavior(report));
    }
}
