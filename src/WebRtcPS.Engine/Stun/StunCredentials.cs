using System.Security.Cryptography;
using System.Text;
using WebRtcPS.Engine.Stun.Attributes;

namespace WebRtcPS.Engine.Stun;

/// <summary>
/// HMAC keys for MESSAGE-INTEGRITY(-SHA256) (RFC 8489 §9) and the receive-side checks.
/// Password preparation is the simplified SASLprep of <see cref="StunSaslPrep"/>.
/// </summary>
internal static class StunCredentials
{
    /// <summary>Short-term key (RFC 8489 §9.1.1): the prepared password itself, as UTF-8. ICE
    /// uses the remote peer's ice-pwd this way (RFC 8445 §7.2.2).</summary>
    public static byte[] ShortTermKey(string password) => Encoding.UTF8.GetBytes(StunSaslPrep.Prepare(password));

    /// <summary>
    /// Long-term key (RFC 8489 §9.2.2): MD5 or SHA-256 of username ":" realm ":" password, with
    /// realm and password prepared.
    /// </summary>
    public static byte[] LongTermKey(string username, string realm, string password, StunPasswordAlgorithm algorithm = StunPasswordAlgorithm.Md5)
    {
        var input = Encoding.UTF8.GetBytes($"{username}:{StunSaslPrep.Prepare(realm)}:{StunSaslPrep.Prepare(password)}");
        return algorithm switch
        {
#pragma warning disable CA5351 // the long-term key is MD5(username:realm:password) (RFC 8489 §9.2.2, §18.5.1.1)
            StunPasswordAlgorithm.Md5 => MD5.HashData(input),
#pragma warning restore CA5351
            StunPasswordAlgorithm.Sha256 => SHA256.HashData(input),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown STUN password algorithm."),
        };
    }

    /// <summary>
    /// Checks integrity with <paramref name="key"/>: MESSAGE-INTEGRITY-SHA256 when present (RFC
    /// 8489 §9.1.3 prefers it), else MESSAGE-INTEGRITY.
    /// </summary>
    public static StunIntegrityStatus CheckIntegrity(StunMessage message, ReadOnlySpan<byte> key) =>
        message.Contains(StunAttributeType.MessageIntegritySha256)
            ? MessageIntegritySha256.Verify(message, key)
            : MessageIntegrity.Verify(message, key);

    /// <summary>
    /// True when integrity is valid and FINGERPRINT, if present (or if
    /// <paramref name="requireFingerprint"/>, as ICE does, RFC 8445 §7.2.2), is valid too.
    /// </summary>
    public static bool Verify(StunMessage message, ReadOnlySpan<byte> key, bool requireFingerprint = false)
    {
        var fingerprint = Fingerprint.Verify(message);
        if (fingerprint == StunIntegrityStatus.Invalid || (requireFingerprint && fingerprint == StunIntegrityStatus.Missing)) return false;
        return CheckIntegrity(message, key) == StunIntegrityStatus.Valid;
    }
}
