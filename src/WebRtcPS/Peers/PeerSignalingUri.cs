using System.Management.Automation;
using WebRtcPS.Commands.Completion;

namespace WebRtcPS.Commands.Peers;

// -SignalingUri, declared per cmdlet: the binder, not a run-time check, says when it is missing.

public sealed partial class NewWrtcPeerCommand
{
    /// <summary>The signaling server's base URL, e.g. http://host:8080 (required: a peer needs one).</summary>
    [Parameter(ParameterSetName = NewPeerSet, Mandatory = true)]
    [Parameter(ParameterSetName = NewPeerMaxRetransmitsSet, Mandatory = true)]
    [Parameter(ParameterSetName = NewPeerMaxPacketLifeTimeSet, Mandatory = true)]
    [Alias("SignalingAddr")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(SignalingUriCompleter))]
    public override string? SignalingUri { get; set; }
}

public sealed partial class ConnectWrtcPeerCommand
{
    /// <summary>The signaling server's base URL, e.g. http://host:8080 (required for a new peer).</summary>
    [Parameter(ParameterSetName = NewPeerSet, Mandatory = true)]
    [Parameter(ParameterSetName = NewPeerMaxRetransmitsSet, Mandatory = true)]
    [Parameter(ParameterSetName = NewPeerMaxPacketLifeTimeSet, Mandatory = true)]
    [Alias("SignalingAddr")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(SignalingUriCompleter))]
    public override string? SignalingUri { get; set; }
}

public sealed partial class TestWrtcConnectionCommand
{
    /// <summary>The signaling server of a remote test; without it both peers run here (a local test).</summary>
    [Parameter(ParameterSetName = RemoteSet, Mandatory = true)]
    [Parameter(ParameterSetName = RemoteMaxRetransmitsSet, Mandatory = true)]
    [Parameter(ParameterSetName = RemoteMaxPacketLifeTimeSet, Mandatory = true)]
    [Alias("SignalingAddr")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(SignalingUriCompleter))]
    public override string? SignalingUri { get; set; }
}
