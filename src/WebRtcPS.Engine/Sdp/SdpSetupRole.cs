namespace WebRtcPS.Engine.Sdp;

/// <summary>
/// a=setup (RFC 4145 §4, for DTLS RFC 8842 §5): who opens the DTLS connection. An offer says
/// actpass; the answer picks active (it sends the ClientHello) or passive.
/// </summary>
internal enum SdpSetupRole
{
    ActPass,
    Active,
    Passive,
    HoldConn,
}

internal static class SdpSetupRoleNames
{
    public static string ToSdp(this SdpSetupRole role) => role switch
    {
        SdpSetupRole.ActPass => "actpass",
        SdpSetupRole.Active => "active",
        SdpSetupRole.Passive => "passive",
        SdpSetupRole.HoldConn => "holdconn",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Unknown setup role."),
    };

    public static SdpSetupRole? FromSdp(string? value) => value switch
    {
        "actpass" => SdpSetupRole.ActPass,
        "active" => SdpSetupRole.Active,
        "passive" => SdpSetupRole.Passive,
        "holdconn" => SdpSetupRole.HoldConn,
        _ => null,
    };
}
