using System.Management.Automation;
using System.Net;
using WebRtcPS.Commands.Ice;
using WebRtcPS.Commands.Infrastructure;
using WebRtcPS.Engine.DataChannels;
using WebRtcPS.Engine.PeerConnection;
using WebRtcPS.Signaling.Peers;

namespace WebRtcPS.Commands.Peers;

/// <summary>
/// The configuration parameters New-WrtcPeer, Connect-WrtcPeer and Test-WrtcConnection share,
/// named after the original tool's flags, and their translation to <see cref="SeedPeerOptions"/>.
/// </summary>
public abstract partial class PeerConfigurationCmdlet : AsyncPipelineCmdlet
{
    // A new peer's parameter sets: no partial reliability, or exactly one of the two policies
    // (RFC 8831 section 6.1: one per channel), so the binder rejects both together.
    protected const string NewPeerSet = "NewPeer";
    protected const string NewPeerMaxRetransmitsSet = "NewPeerMaxRetransmits";
    protected const string NewPeerMaxPacketLifeTimeSet = "NewPeerMaxPacketLifeTime";

    /// <summary>Offerer (opens the channel, sends the offer) or Answerer (waits for the offer).</summary>
    [Parameter(ParameterSetName = NewPeerSet)]
    [Parameter(ParameterSetName = NewPeerMaxRetransmitsSet)]
    [Parameter(ParameterSetName = NewPeerMaxPacketLifeTimeSet)]
    public virtual PeerRole Role { get; set; } = PeerRole.Offerer;

    /// <summary>This peer's id on the signaling server (offer-peer-1 / answer-peer-1 by role).</summary>
    [Parameter(ParameterSetName = NewPeerSet)]
    [Parameter(ParameterSetName = NewPeerMaxRetransmitsSet)]
    [Parameter(ParameterSetName = NewPeerMaxPacketLifeTimeSet)]
    [ValidateNotNullOrEmpty]
    public virtual string? Id { get; set; }

    /// <summary>The other peer's id (answer-peer-1 / offer-peer-1 by role).</summary>
    [Parameter(ParameterSetName = NewPeerSet)]
    [Parameter(ParameterSetName = NewPeerMaxRetransmitsSet)]
    [Parameter(ParameterSetName = NewPeerMaxPacketLifeTimeSet)]
    [ValidateNotNullOrEmpty]
    public virtual string? RemoteId { get; set; }

    /// <summary>
    /// The signaling server's base URL, e.g. http://host:8080. Each cmdlet declares it (see
    /// PeerSignalingUri.cs): mandatory where a peer needs it, optional for Test-WrtcConnection's local test.
    /// </summary>
    public abstract string? SignalingUri { get; set; }

    /// <summary>
    /// STUN and TURN servers: stun:HOST:PORT, turn:HOST:PORT?transport=udp|tcp, turns:HOST:PORT, or
    /// RTCIceServer-shaped hashtables @{ Urls = ...; Username = ...; Credential = ... }.
    /// </summary>
    [Parameter(ParameterSetName = NewPeerSet)]
    [Parameter(ParameterSetName = NewPeerMaxRetransmitsSet)]
    [Parameter(ParameterSetName = NewPeerMaxPacketLifeTimeSet)]
    [ValidateNotNullOrEmpty]
    [IceServerTransformation]
    [ArgumentCompleter(typeof(Completion.IceServerCompleter))]
    public virtual IceServer[]? IceServer { get; set; }

    /// <summary>TURN user name and password.</summary>
    [Parameter(ParameterSetName = NewPeerSet)]
    [Parameter(ParameterSetName = NewPeerMaxRetransmitsSet)]
    [Parameter(ParameterSetName = NewPeerMaxPacketLifeTimeSet)]
    [Credential]
    public virtual PSCredential? Credential { get; set; }

    /// <summary>Accept the TURN and signaling servers' TLS certificates without validating them (self-signed test servers).</summary>
    [Parameter(ParameterSetName = NewPeerSet)]
    [Parameter(ParameterSetName = NewPeerMaxRetransmitsSet)]
    [Parameter(ParameterSetName = NewPeerMaxPacketLifeTimeSet)]
    public virtual SwitchParameter SkipCertificateCheck { get; set; }

    /// <summary>Use relay (TURN) candidates only (iceTransportPolicy relay).</summary>
    [Parameter(ParameterSetName = NewPeerSet)]
    [Parameter(ParameterSetName = NewPeerMaxRetransmitsSet)]
    [Parameter(ParameterSetName = NewPeerMaxPacketLifeTimeSet)]
    public virtual SwitchParameter RelayOnly { get; set; }

    [Parameter(ParameterSetName = NewPeerSet)]
    [Parameter(ParameterSetName = NewPeerMaxRetransmitsSet)]
    [Parameter(ParameterSetName = NewPeerMaxPacketLifeTimeSet)]
    [ValidateNotNullOrEmpty]
    public virtual string ChannelLabel { get; set; } = SeedPeerOptions.DefaultLabel;

    /// <summary>Unordered delivery on the channel (ordered is the default).</summary>
    [Parameter(ParameterSetName = NewPeerSet)]
    [Parameter(ParameterSetName = NewPeerMaxRetransmitsSet)]
    [Parameter(ParameterSetName = NewPeerMaxPacketLifeTimeSet)]
    public virtual SwitchParameter Unordered { get; set; }

    /// <summary>Obsolete (kept for scripts written before -Unordered): -Ordered:$false is -Unordered.</summary>
    [Parameter(ParameterSetName = NewPeerSet, DontShow = true)]
    [Parameter(ParameterSetName = NewPeerMaxRetransmitsSet, DontShow = true)]
    [Parameter(ParameterSetName = NewPeerMaxPacketLifeTimeSet, DontShow = true)]
    public virtual SwitchParameter Ordered { get; set; }

    /// <summary>Partial reliability: at most this many retransmissions per message.</summary>
    [Parameter(ParameterSetName = NewPeerMaxRetransmitsSet, Mandatory = true)]
    [ValidateRange(0, 65535)]
    public virtual int? MaxRetransmits { get; set; }

    /// <summary>Partial reliability: stop retransmitting a message after this many milliseconds.</summary>
    [Parameter(ParameterSetName = NewPeerMaxPacketLifeTimeSet, Mandatory = true)]
    [ValidateRange(0, 65535)]
    public virtual int? MaxPacketLifeTimeMs { get; set; }

    /// <summary>Add loopback (127.0.0.1, ::1) host candidates.</summary>
    [Parameter(ParameterSetName = NewPeerSet)]
    [Parameter(ParameterSetName = NewPeerMaxRetransmitsSet)]
    [Parameter(ParameterSetName = NewPeerMaxPacketLifeTimeSet)]
    public virtual SwitchParameter IncludeLoopback { get; set; }

    /// <summary>Gather only on these interfaces (names such as eth0, or addresses).</summary>
    [Parameter(ParameterSetName = NewPeerSet)]
    [Parameter(ParameterSetName = NewPeerMaxRetransmitsSet)]
    [Parameter(ParameterSetName = NewPeerMaxPacketLifeTimeSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.InterfaceCompleter))]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716", Justification = "The -Interface parameter name users type; overridden only to restate parameter sets.")]
    public virtual string[]? Interface { get; set; }

    /// <summary>Host candidate transports: Udp (default), Tcp (ICE-TCP, RFC 6544) or both.</summary>
    [Parameter(ParameterSetName = NewPeerSet)]
    [Parameter(ParameterSetName = NewPeerMaxRetransmitsSet)]
    [Parameter(ParameterSetName = NewPeerMaxPacketLifeTimeSet)]
    [ValidateSet("Udp", "Tcp", IgnoreCase = true)]
    public virtual string[] Protocol { get; set; } = ["Udp"];

    /// <summary>A DTLS certificate of this peer's own instead of the process's shared one (SharedCertificate).</summary>
    [Parameter(ParameterSetName = NewPeerSet)]
    [Parameter(ParameterSetName = NewPeerMaxRetransmitsSet)]
    [Parameter(ParameterSetName = NewPeerMaxPacketLifeTimeSet)]
    public virtual SwitchParameter NewCertificate { get; set; }

    /// <summary>Hide the host addresses behind random .local names (mDNS), as browsers do, and answer mDNS queries for them.</summary>
    [Parameter(ParameterSetName = NewPeerSet)]
    [Parameter(ParameterSetName = NewPeerMaxRetransmitsSet)]
    [Parameter(ParameterSetName = NewPeerMaxPacketLifeTimeSet)]
    public virtual SwitchParameter MdnsHostCandidates { get; set; }

    /// <summary>The options these parameters describe; a bad value is a terminating error naming it.</summary>
    protected SeedPeerOptions BuildOptions(Uri? signalingOverride = null)
    {
        Uri? signaling = signalingOverride;
        if (signaling is null)
        {
            if (string.IsNullOrEmpty(SignalingUri))
                Fail(new ArgumentException("-SignalingUri is required: the signaling server both peers reach, e.g. http://host:8080."),
                    "SignalingUriMissing", ErrorCategory.InvalidArgument, null);
            var text = SignalingUri!.Contains("://", StringComparison.Ordinal) ? SignalingUri : "http://" + SignalingUri;
            if (!Uri.TryCreate(text, UriKind.Absolute, out signaling) || signaling.Scheme is not ("http" or "https"))
                Fail(new ArgumentException($"'{SignalingUri}' is not an http:// or https:// URL."), "InvalidSignalingUri", ErrorCategory.InvalidArgument, SignalingUri);
        }

        var servers = IceParameterHelpers.ParseIceServers(this, IceServer);
        var iceServers = IceParameterHelpers.IceServers(this, IceServer, Credential);
        if (RelayOnly && !servers.Any(s => !s.IsStun))
            Fail(new ArgumentException("-RelayOnly needs at least one TURN server in -IceServer (turn: or turns:) and -Credential."),
                "RelayOnlyWithoutTurn", ErrorCategory.InvalidArgument, null);
        var configuration = new RTCConfiguration
        {
            IceServers = iceServers,
            IceTransportPolicy = RelayOnly ? RTCIceTransportPolicy.Relay : RTCIceTransportPolicy.All,
            Ice = RTCConfiguration.DefaultIce with
            {
                IncludeLoopback = IncludeLoopback || IceParameterHelpers.NamesLoopback(Interface),
                InterfaceFilter = IceParameterHelpers.InterfaceFilter(Interface),
                EnableTcp = Protocol.Contains("Tcp", StringComparer.OrdinalIgnoreCase),
                DisableUdp = !Protocol.Contains("Udp", StringComparer.OrdinalIgnoreCase),
                MdnsHostCandidates = MdnsHostCandidates,
            },
            Turn = IceParameterHelpers.TurnSettings(this, servers, SkipCertificateCheck),
            Certificates = NewCertificate ? [] : [SharedCertificate.Get()],
        };

        if (Unordered && MyInvocation.BoundParameters.ContainsKey(nameof(Ordered)) && Ordered)
            Fail(new ArgumentException("-Unordered and -Ordered contradict each other; use -Unordered alone (-Ordered is obsolete)."),
                "OrderedConflict", ErrorCategory.InvalidArgument, null);
        var ordered = !Unordered && (!MyInvocation.BoundParameters.ContainsKey(nameof(Ordered)) || Ordered.ToBool());
        try
        {
            return new SeedPeerOptions
            {
                Role = Role.ToSeedRole(),
                Id = Id,
                RemoteId = RemoteId,
                SignalingUri = signaling!,
                SignalingClient = BuildSignalingClientOptions(), // PeerConfigurationCmdlet.Signaling.cs
                Configuration = configuration,
                ChannelLabel = ChannelLabel,
                ChannelInit = new RTCDataChannelInit
                {
                    Ordered = ordered,
                    MaxRetransmits = (ushort?)MaxRetransmits,
                    MaxPacketLifeTime = (ushort?)MaxPacketLifeTimeMs,
                },
            }.Validate();
        }
        catch (ArgumentException ex)
        {
            Fail(ex, "InvalidPeerConfiguration", ErrorCategory.InvalidArgument, null);
            throw; // unreachable: Fail throws
        }
    }

    /// <summary>True when any configuration parameter was given (they conflict with -Peer).</summary>
    protected bool AnyConfigurationBound() =>
        new[] { nameof(Role), nameof(Id), nameof(RemoteId), nameof(SignalingUri), nameof(IceServer), nameof(Credential), nameof(RelayOnly), nameof(SkipCertificateCheck),
                nameof(ChannelLabel), nameof(Unordered), nameof(Ordered), nameof(MaxRetransmits), nameof(MaxPacketLifeTimeMs), nameof(IncludeLoopback), nameof(Interface), nameof(Protocol),
                nameof(SignalingToken), nameof(SignalingCertificateThumbprint), nameof(NewCertificate), nameof(MdnsHostCandidates) }
            .Any(MyInvocation.BoundParameters.ContainsKey);

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    protected void Fail(Exception exception, string errorId, ErrorCategory category, object? target, string? recommendedAction = null)
    {
        var record = new ErrorRecord(exception, errorId, category, target);
        if (recommendedAction is not null) record.ErrorDetails = new ErrorDetails(exception.Message) { RecommendedAction = recommendedAction };
        ThrowTerminatingError(record);
        throw exception; // ThrowTerminatingError does not return
    }
}
