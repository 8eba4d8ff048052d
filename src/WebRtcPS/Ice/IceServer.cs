using System.Management.Automation;
using System.Security;

namespace WebRtcPS;

/// <summary>
/// One -IceServer entry, shaped like the W3C RTCIceServer dictionary (webrtc-pc §4.2.4): its
/// URLs and, for TURN, the user name and credential that go with them. A string is one URL
/// without credential; a hashtable or object with Urls, Username and Credential gives each
/// server its own (see the -IceServer transformation).
/// </summary>
public sealed class IceServer
{
    internal IceServer(string[] urls, string? username, SecureString? credential)
    {
        Urls = urls;
        Username = username;
        Credential = credential;
    }

    /// <summary>stun:, turn: or turns: URLs that share the credential.</summary>
    public string[] Urls { get; }

    /// <summary>TURN user name; null to use -Credential's.</summary>
    public string? Username { get; }

    /// <summary>TURN password; null to use -Credential's.</summary>
    public SecureString? Credential { get; }

    /// <summary>True when this entry carries its own TURN credential.</summary>
    public bool HasCredential => Credential is not null;

    /// <summary>The entry's credential as a PSCredential, or null.</summary>
    internal PSCredential? ToCredential() => Credential is null ? null : new PSCredential(Username ?? "", Credential);

    public override string ToString() => string.Join(", ", Urls);
}
