using WebRtcPS.Engine.Dtls;

namespace WebRtcPS.Engine.Tests.Dtls;

public class FingerprintVerifierTests
{
    private static readonly byte[] Der = [0x30, 0x03, 0x02, 0x01, 0x01];
    private static readonly RTCDtlsFingerprint Sha256 = RTCDtlsFingerprint.Compute("sha-256", Der);
    private static readonly RTCDtlsFingerprint Sha1 = RTCDtlsFingerprint.Compute("sha-1", Der);
    private static readonly RTCDtlsFingerprint OtherSha256 = RTCDtlsFingerprint.Compute("sha-256", [1]);
    private static readonly RTCDtlsFingerprint Md5 = RTCDtlsFingerprint.Parse("md5 00:11:22");

    [Fact]
    public void MatchesWhenAllSupportedMatch()
    {
        Assert.True(FingerprintVerifier.Matches([Sha256, Sha1, Md5], Der, out var actual));
        Assert.Equal([Sha256, Sha1], actual);
    }

    [Fact]
    public void FailsWhenAnySupportedDiffers()
    {
        Assert.False(FingerprintVerifier.Matches([Sha256, OtherSha256], Der, out _));
        Assert.False(FingerprintVerifier.Matches([OtherSha256], Der, out var actual));
        Assert.Equal([Sha256], actual);
    }

    [Fact]
    public void FailsWhenNoneSupported()
    {
        Assert.False(FingerprintVerifier.HasSupported([Md5]));
        Assert.False(FingerprintVerifier.Matches([Md5], Der, out var actual));
        Assert.Equal([Sha256], actual);
        Assert.False(FingerprintVerifier.Matches([], Der, out _));
    }
}
