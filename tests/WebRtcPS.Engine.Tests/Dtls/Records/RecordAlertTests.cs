using WebRtcPS.Engine.Dtls;

namespace WebRtcPS.Engine.Tests.Dtls;

public class RecordAlertTests
{
    // RFC 5246 §7.2: close_notify is warning(1), 0; bad_record_mac fatal(2), 20.
    [Theory]
    [InlineData("0100", DtlsAlertMessage.Warning, (byte)TlsAlertDescription.CloseNotify)]
    [InlineData("0214", DtlsAlertMessage.Fatal, (byte)TlsAlertDescription.BadRecordMac)]
    [InlineData("0228", DtlsAlertMessage.Fatal, (byte)TlsAlertDescription.HandshakeFailure)]
    public void KnownBytesRoundTrip(string hex, byte level, byte description)
    {
        Assert.True(DtlsAlertMessage.TryParse(Convert.FromHexString(hex), out var alert));
        Assert.Equal(new DtlsAlertMessage(level, description), alert);
        Assert.Equal(level == DtlsAlertMessage.Fatal, alert.IsFatal);
        var buffer = new byte[DtlsAlertMessage.Size];
        Assert.Equal(DtlsAlertMessage.Size, alert.Write(buffer));
        Assert.Equal(hex, Convert.ToHexString(buffer));
    }

    [Fact]
    public void UnknownDescriptionStillParses()
    {
        Assert.True(DtlsAlertMessage.TryParse([2, 0xEE], out var alert));
        Assert.Equal(0xEE, alert.Description);
    }

    [Theory]
    [InlineData("")]
    [InlineData("02")]
    [InlineData("021400")] // trailing byte: the structure is exactly two bytes
    [InlineData("0014")] // level 0
    [InlineData("0314")] // level 3
    public void MalformedFails(string hex) =>
        Assert.False(DtlsAlertMessage.TryParse(Convert.FromHexString(hex), out _));

    [Fact]
    public void ShortDestinationThrows() =>
        Assert.Throws<ArgumentException>(() => new DtlsAlertMessage(2, 20).Write(new byte[1]));
}
