using System.Management.Automation;
using WebRtcPS.Signaling.Peers;

namespace WebRtcPS.Commands.Peers;

/// <summary>
/// One connectivity check, one result object: both peers in this process through a loopback
/// signaling server it starts itself, or (with -SignalingUri) this side against a remote peer.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "WrtcConnection", DefaultParameterSetName = NewPeerSet)]
[OutputType(typeof(ConnectionTestResult))]
public sealed partial class TestWrtcConnectionCommand : PeerConfigurationCmdlet
{
    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSec { get; set; } = 30;

    protected override void ProcessRecord()
    {
        var remote = !string.IsNullOrEmpty(SignalingUri);
        var options = BuildOptions(remote ? null : new Uri("http://127.0.0.1/")) with { WaitForRemoteGreeting = true };
        var timeout = TimeSpan.FromSeconds(TimeoutSec);
        var result = RunToCompletion(async ct =>
        {
            if (!remote) return await ConnectivityTest.RunLocalAsync(options, timeout, ct).ConfigureAwait(false);
            await using var peer = new SeedPeer(options);
            return await ConnectivityTest.RunAsync(peer, timeout, ct).ConfigureAwait(false);
        });
        WriteObject(new ConnectionTestResult(result, remote ? "Remote" : "Local"));
    }
}
