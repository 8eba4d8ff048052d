using System.Management.Automation;
using System.Security;
using WebRtcPS.Commands.Ice;
using WebRtcPS.Signaling.Peers;

namespace WebRtcPS.Commands.Peers;

// Test-WrtcConnection's parameter sets: a local test (both peers here) or a remote one
// (-SignalingUri given; -Role, -Id and -RemoteId belong to it), each with no partial
// reliability or one of the two policies (RFC 8831 section 6.1). PowerShell reads a
// parameter's attributes from the most derived declaration only, so a parameter whose sets
// differ from the base's (NewPeer*, which Connect-WrtcPeer's -Peer set must not share) is
// restated here; the configuration parameters belong to every set of this cmdlet, which a
// bare [Parameter] says. The meaning of every parameter is documented on PeerConfigurationCmdlet.

public sealed partial class TestWrtcConnectionCommand
{
    private const string LocalSet = "Local";
    private const string LocalMaxRetransmitsSet = "LocalMaxRetransmits";
    private const string LocalMaxPacketLifeTimeSet = "LocalMaxPacketLifeTime";
    private const string RemoteSet = "Remote";
    private const string RemoteMaxRetransmitsSet = "RemoteMaxRetransmits";
    private const string RemoteMaxPacketLifeTimeSet = "RemoteMaxPacketLifeTime";

    [Parameter(ParameterSetName = RemoteSet)]
    [Parameter(ParameterSetName = RemoteMaxRetransmitsSet)]
    [Parameter(ParameterSetName = RemoteMaxPacketLifeTimeSet)]
    public override PeerRole Role { get; set; } = PeerRole.Offerer;

    [Parameter(ParameterSetName = RemoteSet)]
    [Parameter(ParameterSetName = RemoteMaxRetransmitsSet)]
    [Parameter(ParameterSetName = RemoteMaxPacketLifeTimeSet)]
    [ValidateNotNullOrEmpty]
    public override string? Id { get; set; }

    [Parameter(ParameterSetName = RemoteSet)]
    [Parameter(ParameterSetName = RemoteMaxRetransmitsSet)]
    [Parameter(ParameterSetName = RemoteMaxPacketLifeTimeSet)]
    [ValidateNotNullOrEmpty]
    public override string? RemoteId { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [IceServerTransformation]
    [ArgumentCompleter(typeof(Completion.IceServerCompleter))]
    public override IceServer[]? IceServer { get; set; }

    [Parameter]
    [Credential]
    public override PSCredential? Credential { get; set; }

    [Parameter]
    public override SwitchParameter SkipCertificateCheck { get; set; }

    [Parameter]
    public override SwitchParameter RelayOnly { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public override string ChannelLabel { get; set; } = SeedPeerOptions.DefaultLabel;

    [Parameter]
    public override SwitchParameter Unordered { get; set; }

    [Parameter(DontShow = true)]
    public override SwitchParameter Ordered { get; set; }

    [Parameter(ParameterSetName = LocalMaxRetransmitsSet, Mandatory = true)]
    [Parameter(ParameterSetName = RemoteMaxRetransmitsSet, Mandatory = true)]
    [ValidateRange(0, 65535)]
    public override int? MaxRetransmits { get; set; }

    [Parameter(ParameterSetName = LocalMaxPacketLifeTimeSet, Mandatory = true)]
    [Parameter(ParameterSetName = RemoteMaxPacketLifeTimeSet, Mandatory = true)]
    [ValidateRange(0, 65535)]
    public override int? MaxPacketLifeTimeMs { get; set; }

    [Parameter]
    public override SwitchParameter IncludeLoopback { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.InterfaceCompleter))]
    public override string[]? Interface { get; set; }

    [Parameter]
    [ValidateSet("Udp", "Tcp", IgnoreCase = true)]
    public override string[] Protocol { get; set; } = ["Udp"];

    [Parameter]
    public override SwitchParameter NewCertificate { get; set; }

    [Parameter]
    public override SwitchParameter MdnsHostCandidates { get; set; }

    [Parameter]
    [ValidateNotNull]
    public override SecureString? SignalingToken { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public override string? SignalingCertificateThumbprint { get; set; }
}
