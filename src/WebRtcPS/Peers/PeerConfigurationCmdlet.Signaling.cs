using System.Management.Automation;
using System.Net;
using System.Security;
using WebRtcPS.Signaling.Client;

namespace WebRtcPS.Commands.Peers;

/// <summary>How the peer cmdlets reach a signaling server that wants a token or serves HTTPS.</summary>
public abstract partial class PeerConfigurationCmdlet
{
    /// <summary>Bearer token for a server started with -AccessToken or -IdToken (sent as Authorization: Bearer).</summary>
    [Parameter(ParameterSetName = NewPeerSet)]
    [Parameter(ParameterSetName = NewPeerMaxRetransmitsSet)]
    [Parameter(ParameterSetName = NewPeerMaxPacketLifeTimeSet)]
    [ValidateNotNull]
    public virtual SecureString? SignalingToken { get; set; }

    /// <summary>Trust the https:// signaling server whose certificate has this SHA-256 (or SHA-1) fingerprint, e.g. a -SelfSigned one.</summary>
    [Parameter(ParameterSetName = NewPeerSet)]
    [Parameter(ParameterSetName = NewPeerMaxRetransmitsSet)]
    [Parameter(ParameterSetName = NewPeerMaxPacketLifeTimeSet)]
    [ValidateNotNullOrEmpty]
    public virtual string? SignalingCertificateThumbprint { get; set; }

    /// <summary>Null when nothing differs from the defaults (the seed protocol: no token, the system's certificate check).</summary>
    private SignalingClientOptions? BuildSignalingClientOptions()
    {
        if (SignalingToken is null && SignalingCertificateThumbprint is null && !SkipCertificateCheck) return null;
        var options = new SignalingClientOptions
        {
            AccessToken = SignalingToken is null ? null : new NetworkCredential("", SignalingToken).Password,
            CertificateThumbprint = SignalingCertificateThumbprint,
            SkipCertificateCheck = SkipCertificateCheck,
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException ex)
        {
            Fail(ex, "InvalidSignalingClientOption", ErrorCategory.InvalidArgument, null,
                "Give -SignalingCertificateThumbprint as the 64 hex digits Start-WrtcSignalingServer printed (colons allowed), and a non-empty -SignalingToken.");
        }
        return options;
    }
}
