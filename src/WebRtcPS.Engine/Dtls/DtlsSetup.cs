namespace WebRtcPS.Engine.Dtls;

/// <summary>Maps <c>a=setup</c> values to <see cref="DtlsRole"/>.</summary>
internal static class DtlsSetup
{
    /// <summary>The role for this endpoint's own negotiated <c>a=setup</c> value.</summary>
    /// <exception cref="ArgumentException"><c>actpass</c>, <c>holdconn</c> or anything else: not a role.</exception>
    public static DtlsRole ToRole(string localSetup) => localSetup.Trim().ToLowerInvariant() switch
    {
        "active" => DtlsRole.Client,
        "passive" => DtlsRole.Server,
        _ => throw new ArgumentException(
            $"a=setup:{localSetup} does not decide a DTLS role; after negotiation it must be 'active' or 'passive'.",
            nameof(localSetup)),
    };

    /// <summary>The <c>a=setup</c> value for a role.</summary>
    public static string ToSetup(DtlsRole role) => role == DtlsRole.Client ? "active" : "passive";
}
