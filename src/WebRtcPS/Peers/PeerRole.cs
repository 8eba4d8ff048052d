using WebRtcPS.Signaling.Peers;

namespace WebRtcPS;

/// <summary>A peer's part in the offer/answer exchange (JSEP, RFC 8829 §3.2), as -Role takes it.</summary>
public enum PeerRole
{
    /// <summary>Opens the data channel and sends the offer.</summary>
    Offerer,

    /// <summary>Waits for the offer and answers it.</summary>
    Answerer,
}

/// <summary>The module's role to the signaling layer's and back (the syntax shows only the module's own type).</summary>
internal static class PeerRoleExtensions
{
    public static SeedPeerRole ToSeedRole(this PeerRole role) => role == PeerRole.Answerer ? SeedPeerRole.Answerer : SeedPeerRole.Offerer;
}
