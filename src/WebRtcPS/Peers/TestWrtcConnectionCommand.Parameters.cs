using System.Management.Automation;
using System.Security;
using WebRtcPS.Commands.Ice;
using WebRtcPS.Signaling.Peers;

namespace WebRtcPS.Commands.Peers;

// Test-WrtcConnection's parameter sets: a local test (both peers here) or a remote one
// (-SignalingUri given; -Role, -Id and -RemoteId belong to it), each with no partial
// reliability or one of the two policies (RFC 8831 section 6.1). PowerShell reads a
// parameter's attributes from the most derived declaration, so each one is restated here;
// the meaning of every parameter is documented on PeerConfigurationCmdlet.

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

    [Parameter(ParameterSetName = LocalSet)]
    [Parameter(ParameterSetName = LocalMaxRetransmitsSet)]
    [Parameter(ParameterSetName = LocalMaxPacketLifeTimeSet)]
    [Parameter(ParameterSetName = RemoteSet)]
    [Parameter(ParameterSetName = RemoteMaxRetransmitsSet)]
    [Parameter(ParameterSetName = RemoteMaxPacketLifeTimeSet)]
    [ValidateNotNullOrEmpty]
    [IceServerTransformation]
    [ArgumentCompleter(typeof(Completion.IceServerCompleter))]
    public override IceServer[]? IceServer { get; set; }

    [Parameter(ParameterSetName = LocalSet)]
    [Parameter(ParameterSetName = LocalMaxRetransmitsSet)]
    [Parameter(ParameterSetName = LocalMaxPacketLifeTimeSet)]
    [Parameter(ParameterSetName = RemoteSet)]
    [Parameter(ParameterSetName = RemoteMaxRetransmitsSet)]
    [Parameter(ParameterSetName = RemoteMaxPacketLifeTimeSet)]
    [Credential]
    public override PSCredential? Credential { get; set; }

    [Parameter(ParameterSetName = LocalSet)]
    [Parameter(ParameterSetName = LocalMaxRetransmitsSet)]
    [Parameter(ParameterSetName = LocalMaxPacketLifeTimeSet)]
    [Parameter(ParameterSetName = RemoteSet)]
    [Parameter(ParameterSetName = RemoteMaxRetransmitsSet)]
    [Parameter(ParameterSetName = RemoteMaxPacketLifeTimeSet)]
    public override SwitchParameter SkipCertificateCheck { get; set; }

    [Parameter(ParameterSetName = LocalSet)]
    [Parameter(ParameterSetName = LocalMaxRetransmitsSet)]
    [Parameter(ParameterSetName = LocalMaxPacketLifeTimeSet)]
    [Parameter(ParameterSetName = RemoteSet)]
    [Parameter(ParameterSetName = RemoteMaxRetransmitsSet)]
    [Parameter(ParameterSetName = RemoteMaxPacketLifeTimeSet)]
    public override SwitchParameter RelayOnly { get; set; }

    [Parameter(ParameterSetName = LocalSet)]
    [Parameter(ParameterSetName = LocalMaxRetransmitsSet)]
    [Parameter(ParameterSetName = LocalMaxPacketLifeTimeSet)]
    [Parameter(ParameterSetName = RemoteSet)]
    [Parameter(ParameterSetName = RemoteMaxRetransmitsSet)]
    [Parameter(ParameterSetName = RemoteMaxPacketLifeTimeSet)]
    [ValidateNotNullOrEmpty]
    public override string ChannelLabel { get; set; } = SeedPeerOptions.DefaultLabel;

    [Parameter(ParameterSetName = LocalSet)]
    [Parameter(ParameterSetName = LocalMaxRetransmitsSet)]
    [Parameter(ParameterSetName = LocalMaxPacketLifeTimeSet)]
    [Parameter(ParameterSetName = RemoteSet)]
    [Parameter(ParameterSetName = RemoteMaxRetransmitsSet)]
    [Parameter(ParameterSetName = RemoteMaxPacketLifeTimeSet)]
    public override SwitchParameter Unordered { get; set; }

    [Parameter(ParameterSetName = LocalSet, DontShow = true)]
    [Parameter(ParameterSetName = LocalMaxRetransmitsSet, DontShow = true)]
    [Parameter(ParameterSetName = LocalMaxPacketLifeTimeSet, DontShow = true)]
    [Parameter(ParameterSetName = RemoteSet, DontShow = true)]
    [Parameter(ParameterSetName = RemoteMaxRetransmitsSet, DontShow = true)]
    [Parameter(ParameterSetName = RemoteMaxPacketLifeTimeSet, DontShow = true)]
    public override SwitchParameter Ordered { get; set; }

    [Parameter(ParameterSetName = LocalMaxRetransmitsSet, Mandatory = true)]
    [Parameter(ParameterSetName = RemoteMaxRetransmitsSet, Mandatory = true)]
    [ValidateRange(0, 65535)]
    public override int? MaxRetransmits { get; set; }

    [Parameter(ParameterSetName = LocalMaxPacketLifeTimeSet, Mandatory = true)]
    [Parameter(ParameterSetName = RemoteMaxPacketLifeTimeSet, Mandatory = true)]
    [ValidateRange(0, 65535)]
    public override int? MaxPacketLifeTimeMs { get; set; }

    [Parameter(ParameterSetName = LocalSet)]
    [Parameter(ParameterSetName = LocalMaxRetransmitsSet)]
    [Parameter(ParameterSetName = LocalMaxPacketLifeTimeSet)]
    [Parameter(ParameterSetName = RemoteSet)]
    [Parameter(ParameterSetName = RemoteMaxRetransmitsSet)]
    [Parameter(ParameterSetName = RemoteMaxPacketLifeTimeSet)]
    public override SwitchParameter IncludeLoopback { get; set; }

    [Parameter(ParameterSetName = LocalSet)]
    [Parameter(ParameterSetName = LocalMaxRetransmitsSet)]
    [Parameter(ParameterSetName = LocalMaxPacketLifeTimeSet)]
    [Parameter(ParameterSetName = RemoteSet)]
    [Parameter(ParameterSetName = RemoteMaxRetransmitsSet)]
    [Parameter(ParameterSetName = RemoteMaxPacketLifeTimeSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.InterfaceCompleter))]
    public override string[]? Interface { get; set; }

    [Parameter(ParameterSetName = LocalSet)]
    [Parameter(ParameterSetName = LocalMaxRetransmitsSet)]
    [Parameter(ParameterSetName = LocalMaxPacketLifeTimeSet)]
    [Parameter(ParameterSetName = RemoteSet)]
    [Parameter(ParameterSetName = RemoteMaxRetransmitsSet)]
    [Parameter(ParameterSetName = RemoteMaxPacketLifeTimeSet)]
    [ValidateSet("Udp", "Tcp", IgnoreCase = true)]
    public override string[] Protocol { get; set; } = ["Udp"];

    [Parameter(ParameterSetName = LocalSet)]
    [Parameter(ParameterSetName = LocalMaxRetransmitsSet)]
    [Parameter(ParameterSetName = LocalMaxPacketLifeTimeSet)]
    [Parameter(ParameterSetName = RemoteSet)]
    [Parameter(ParameterSetName = RemoteMaxRetransmitsSet)]
    [Parameter(ParameterSetName = RemoteMaxPacketLifeTimeSet)]
    public override SwitchParameter NewCertificate { get; set; }

    [Parameter(ParameterSetName = LocalSet)]
    [Parameter(ParameterSetName = LocalMaxRetransmitsSet)]
    [Parameter(ParameterSetName = LocalMaxPacketLifeTimeSet)]
    [Parameter(ParameterSetName = RemoteSet)]
    [Parameter(ParameterSetName = RemoteMaxRetransmitsSet)]
    [Parameter(ParameterSetName = RemoteMaxPacketLifeTimeSet)]
    public override SwitchParameter MdnsHostCandidates { get; set; }

    [Parameter(ParameterSetName = LocalSet)]
    [Parameter(ParameterSetName = LocalMaxRetransmitsSet)]
    [Parameter(ParameterSetName = LocalMaxPacketLifeTimeSet)]
    [Parameter(ParameterSetName = RemoteSet)]
    [Parameter(ParameterSetName = RemoteMaxRetransmitsSet)]
    [Parameter(ParameterSetName = RemoteMaxPacketLifeTimeSet)]
    [ValidateNotNull]
    public override SecureString? SignalingToken { get; set; }

    [Parameter(ParameterSetName = LocalSet)]
    [Parameter(ParameterSetName = LocalMaxRetransmitsSet)]
    [Parameter(ParameterSetName = LocalMaxPacketLifeTimeSet)]
    [Parameter(ParameterSetName = RemoteSet)]
    [Parameter(ParameterSetName = RemoteMaxRetransmitsSet)]
    [Parameter(ParameterSetName = RemoteMaxPacketLifeTimeSet)]
    [ValidateNotNullOrEmpty]
    public override string? SignalingCertificateThumbprint { get; set; }
}
