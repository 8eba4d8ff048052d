namespace WebRtcPS.Engine.Stun;

/// <summary>Outcome of checking MESSAGE-INTEGRITY(-SHA256) or FINGERPRINT on a received message.</summary>
internal enum StunIntegrityStatus
{
    /// <summary>Present and correct.</summary>
    Valid,
    /// <summary>The attribute is absent.</summary>
    Missing,
    /// <summary>Present but wrong, or malformed (e.g. a bad length).</summary>
    Invalid,
}
