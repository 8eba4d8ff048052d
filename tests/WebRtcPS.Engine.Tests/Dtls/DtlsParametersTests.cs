using WebRtcPS.Engine.Dtls;

namespace WebRtcPS.Engine.Tests.Dtls;

public class DtlsParametersTests
{
    private static DtlsParameters Valid(IReadOnlyList<RTCDtlsFingerprint>? remote = null, TimeSpan? timeout = null) => new()
    {
        Role = DtlsRole.Client,
        Certificate = DtlsTestPeers.ClientCertificate,
        RemoteFingerprints = remote ?? DtlsTestPeers.ServerCertificate.GetFingerprints(),
        HandshakeTimeout = timeout ?? DtlsParameters.DefaultHandshakeTimeout,
    };

    [Fact]
    public void ValidParametersPass() => Valid().Validate();

    [Fact]
    public void RejectsFingerprintsWithoutASupportedAlgorithm()
    {
        var ex = Assert.Throws<ArgumentException>(() => Valid([RTCDtlsFingerprint.Parse("md5 AA:BB")]).Validate());
        Assert.Equal(nameof(DtlsParameters.RemoteFingerprints), ex.ParamName);
        Assert.Contains("md5 AA:BB", ex.Message);
        Assert.Throws<ArgumentException>(() => Valid([]).Validate());
    }

    [Fact]
    public void RejectsNonPositiveTimeout()
    {
        var ex = Assert.Throws<ArgumentException>(() => Valid(timeout: TimeSpan.Zero).Validate());
        Assert.Equal(nameof(DtlsParameters.HandshakeTimeout), ex.ParamName);
    }

    [Fact]
    public void RejectsExpiredCertificate()
    {
        var expired = RTCCertificate.Generate(TimeSpan.FromMilliseconds(1));
        Thread.Sleep(20);
        var p = new DtlsParameters
        {
            Role = DtlsRole.Server,
            Certificate = expired,
            RemoteFingerprints = DtlsTestPeers.ClientCertificate.GetFingerprints(),
        };
        Assert.Equal(nameof(DtlsParameters.Certificate), Assert.Throws<ArgumentException>(p.Validate).ParamName);
    }

    [Theory]
    [InlineData("active", DtlsRole.Client)]
    [InlineData("passive", DtlsRole.Server)]
    [InlineData(" Active ", DtlsRole.Client)]
    public void SetupMapsToRole(string setup, DtlsRole role)
    {
        Assert.Equal(role, DtlsSetup.ToRole(setup));
        Assert.Equal(setup.Trim().ToLowerInvariant(), DtlsSetup.ToSetup(role));
    }

    [Theory]
    [InlineData("actpass")]
    [InlineData("holdconn")]
    public void SetupWithoutRoleIsRejected(string setup) => Assert.Throws<ArgumentException>(() => DtlsSetup.ToRole(setup));
}
