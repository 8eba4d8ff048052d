namespace WebRtcPS.Engine.Stun;

/// <summary>
/// STUN attribute types this engine knows: RFC 8489 §18.3, ICE (RFC 8445 §16.1), TURN
/// (RFC 8656 §18) and NAT behaviour discovery (RFC 5780 §7). Types 0x0000-0x7FFF are comprehension-required, 0x8000-0xFFFF
/// comprehension-optional (RFC 8489 §14). Any 16-bit value is representable.
/// </summary>
internal enum StunAttributeType : ushort
{
    // Comprehension-required.
    MappedAddress = 0x0001,
    ChangeRequest = 0x0003,
    Username = 0x0006,
    MessageIntegrity = 0x0008,
    ErrorCode = 0x0009,
    UnknownAttributes = 0x000A,
    ChannelNumber = 0x000C,
    Lifetime = 0x000D,
    XorPeerAddress = 0x0012,
    Data = 0x0013,
    Realm = 0x0014,
    Nonce = 0x0015,
    XorRelayedAddress = 0x0016,
    RequestedAddressFamily = 0x0017,
    EvenPort = 0x0018,
    RequestedTransport = 0x0019,
    DontFragment = 0x001A,
    MessageIntegritySha256 = 0x001C,
    PasswordAlgorithm = 0x001D,
    UserHash = 0x001E,
    XorMappedAddress = 0x0020,
    ReservationToken = 0x0022,
    Priority = 0x0024,
    UseCandidate = 0x0025,

    // Comprehension-optional.
    AdditionalAddressFamily = 0x8000,
    AddressErrorCode = 0x8001,
    PasswordAlgorithms = 0x8002,
    AlternateDomain = 0x8003,
    Icmp = 0x8004,
    Software = 0x8022,
    AlternateServer = 0x8023,
    Fingerprint = 0x8028,
    IceControlled = 0x8029,
    IceControlling = 0x802A,
    ResponseOrigin = 0x802B,
    OtherAddress = 0x802C,
}

internal static class StunAttributeTypeExtensions
{
    /// <summary>True for 0x0000-0x7FFF: an agent that does not understand it must reject the
    /// message (RFC 8489 §14, answered with 420 and UNKNOWN-ATTRIBUTES for requests).</summary>
    public static bool IsComprehensionRequired(this StunAttributeType type) => (ushort)type < 0x8000;

    /// <summary>True when this engine has a codec for the type and its agents can act on it.
    /// CHANGE-REQUEST has a codec (our NAT behaviour client sends it), but our responders answer
    /// from one address only, so a request carrying it still gets 420 (RFC 5780 §6: the client
    /// then knows the server lacks RFC 5780 support).</summary>
    public static bool IsUnderstood(this StunAttributeType type) => Enum.IsDefined(type) && type != StunAttributeType.ChangeRequest;
}
