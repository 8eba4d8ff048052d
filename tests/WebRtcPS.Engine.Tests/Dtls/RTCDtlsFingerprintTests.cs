using System.Security.Cryptography;
using WebRtcPS.Engine.Dtls;

namespace WebRtcPS.Engine.Tests.Dtls;

public class RTCDtlsFingerprintTests
{
    // A fingerprint line as Chrome writes it.
    private const string ChromeSdp =
        "sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:3B:E8:C8:4E:EC:EA:43:B1:7B:2E:9D:7C";

    [Fact]
    public void ParsesAndFormatsSdpValue()
    {
        var fp = RTCDtlsFingerprint.Parse(ChromeSdp);
        Assert.Equal("sha-256", fp.Algorithm);
        Assert.Equal(32 * 3 - 1, fp.Value.Length);
        Assert.Equal(ChromeSdp, fp.ToString());
        Assert.True(fp.IsSupported);
    }

    [Fact]
    public void ParseNormalizesCaseAndToleratesAttributePrefix()
    {
        var fp = RTCDtlsFingerprint.Parse("a=fingerprint:SHA-256 " + ChromeSdp[8..].ToLowerInvariant());
        Assert.Equal(RTCDtlsFingerprint.Parse(ChromeSdp), fp);
    }

    [Theory]
    [InlineData("")]
    [InlineData("sha-256")]
    [InlineData("sha-256 ")]
    [InlineData("sha-256 ABCD")]
    [InlineData("sha-256 AB:CD:")]
    [InlineData("sha-256 AB:GG")]
    [InlineData("sha-256 A:BC")]
    [InlineData(" AB:CD")]
    public void TryParseRejectsMalformed(string text)
    {
        Assert.False(RTCDtlsFingerprint.TryParse(text, out _));
        Assert.Throws<FormatException>(() => RTCDtlsFingerprint.Parse(text));
    }

    [Fact]
    public void TryParseRejectsNull() => Assert.False(RTCDtlsFingerprint.TryParse(null, out _));

    [Theory]
    [InlineData("sha-1", 20)]
    [InlineData("sha-256", 32)]
    [InlineData("SHA-384", 48)]
    [InlineData("sha-512", 64)]
    public void ComputesSupportedHashes(string algorithm, int length)
    {
        var data = "abc"u8.ToArray();
        var fp = RTCDtlsFingerprint.Compute(algorithm, data);
        Assert.Equal(algorithm.ToLowerInvariant(), fp.Algorithm);
        Assert.Equal(length * 3 - 1, fp.Value.Length);
        var expected = algorithm.ToLowerInvariant() switch
        {
#pragma warning disable CA5350 // recomputes the RFC 8122 sha-1 fingerprint
            "sha-1" => SHA1.HashData(data),
#pragma warning restore CA5350
            "sha-256" => SHA256.HashData(data),
            "sha-384" => SHA384.HashData(data),
            _ => SHA512.HashData(data),
        };
        Assert.Equal(Convert.ToHexString(expected), fp.Value.Replace(":", ""));
    }

    [Fact]
    public void Sha256OfAbcMatchesFips180Vector()
    {
        var fp = RTCDtlsFingerprint.Compute("sha-256", "abc"u8);
        Assert.StartsWith("BA:78:16:BF:8F:01:CF:EA", fp.Value);
        Assert.EndsWith("F2:00:15:AD", fp.Value);
    }

    [Fact]
    public void UnsupportedAlgorithmParsesButCannotBeComputed()
    {
        var fp = RTCDtlsFingerprint.Parse("md5 AB:CD:EF");
        Assert.False(fp.IsSupported);
        Assert.Throws<NotSupportedException>(() => RTCDtlsFingerprint.Compute("md5", [1, 2, 3]));
    }
}
