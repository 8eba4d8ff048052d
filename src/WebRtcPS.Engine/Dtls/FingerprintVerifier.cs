namespace WebRtcPS.Engine.Dtls;

/// <summary>
/// The rule for accepting a peer certificate against the fingerprints from its SDP (RFC 8122 §5,
/// as aiortc applies it): at least one fingerprint must use a supported hash, and every fingerprint
/// with a supported hash must match the certificate. Unsupported ones are ignored.
/// </summary>
internal static class FingerprintVerifier
{
    /// <summary>True when at least one of <paramref name="expected"/> uses a supported hash.</summary>
    public static bool HasSupported(IEnumerable<RTCDtlsFingerprint> expected) => expected.Any(f => f.IsSupported);

    /// <summary>Checks a DER certificate against the expected fingerprints.</summary>
    /// <param name="expected">The peer's fingerprints from its SDP.</param>
    /// <param name="derCertificate">The certificate the peer presented.</param>
    /// <param name="actual">The certificate's fingerprints, one per supported expected algorithm
    /// (sha-256 when none is supported), for diagnostics.</param>
    public static bool Matches(IReadOnlyList<RTCDtlsFingerprint> expected, ReadOnlySpan<byte> derCertificate,
        out IReadOnlyList<RTCDtlsFingerprint> actual)
    {
        var computed = new List<RTCDtlsFingerprint>();
        var allMatch = true;
        foreach (var fingerprint in expected)
        {
            if (!fingerprint.IsSupported) continue;
            var mine = computed.Find(f => f.Algorithm == fingerprint.Algorithm);
            if (mine is null)
            {
                mine = RTCDtlsFingerprint.Compute(fingerprint.Algorithm, derCertificate);
                computed.Add(mine);
            }
            if (!mine.Equals(fingerprint)) allMatch = false;
        }
        if (computed.Count == 0)
        {
            computed.Add(RTCDtlsFingerprint.Compute(RTCDtlsFingerprint.DefaultAlgorithm, derCertificate));
            allMatch = false;
        }
        actual = computed;
        return allMatch;
    }
}
