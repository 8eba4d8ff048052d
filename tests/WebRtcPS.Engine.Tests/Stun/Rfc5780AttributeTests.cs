using System.Net;
using WebRtcPS.Engine.Stun;
using WebRtcPS.Engine.Stun.Attributes;

namespace WebRtcPS.Engine.Tests.Stun;

/// <summary>CHANGE-REQUEST, RESPONSE-ORIGIN and OTHER-ADDRESS (RFC 5780 §7), with vectors written
/// out from the RFC's layouts.</summary>
public sealed class Rfc5780AttributeTests
{
    private static readonly StunTransactionId Id = new(Hex.Parse("b7e7a701bc34d686fa87dfae"));

    private static byte[] Attribute<T>(T attribute) where T : IStunAttribute<T> =>
        new StunMessageBuilder(StunMessageType.BindingRequest, Id).Add(attribute).ToArray()[StunMessage.HeaderLength..];

    [Theory]
    [InlineData(true, true, "00 03 00 04 00 00 00 06")]   // A and B: alternate address and port
    [InlineData(false, true, "00 03 00 04 00 00 00 02")]  // B: alternate port only
    [InlineData(true, false, "00 03 00 04 00 00 00 04")]  // A: alternate address only
    [InlineData(false, false, "00 03 00 04 00 00 00 00")]
    public void ChangeRequest_FlagsAreBitsAandB(bool changeIp, bool changePort, string wire)
    {
        var attribute = new ChangeRequest(changeIp, changePort);
        Assert.Equal(Hex.Parse(wire), Attribute(attribute));
        Assert.True(ChangeRequest.TryParse(Hex.Parse(wire).AsSpan(4), out var parsed));
        Assert.Equal(attribute, parsed);
    }

    [Fact]
    public void ChangeRequest_IgnoresOtherBits_RejectsOtherLengths()
    {
        Assert.True(ChangeRequest.TryParse(Hex.Parse("ff ff ff f9"), out var parsed));
        Assert.Equal(new ChangeRequest(false, false), parsed);
        Assert.True(ChangeRequest.TryParse(Hex.Parse("80 00 00 07"), out parsed));
        Assert.Equal(new ChangeRequest(true, true), parsed);
        Assert.False(ChangeRequest.TryParse(Hex.Parse("00 00 06"), out _));
        Assert.False(ChangeRequest.TryParse(Hex.Parse("00 00 00 06 00"), out _));
        Assert.False(ChangeRequest.TryParse([], out _));
    }

    [Fact]
    public void OtherAddressAndResponseOrigin_AreMappedAddressLayouts_NotXored()
    {
        Assert.Equal(Hex.Parse("80 2c 00 08  00 01 0d 97  c6 33 64 02"), Attribute(new OtherAddress(IPEndPoint.Parse("198.51.100.2:3479"))));
        Assert.Equal(Hex.Parse("80 2b 00 08  00 01 0d 96  cb 00 71 05"), Attribute(new ResponseOrigin(IPEndPoint.Parse("203.0.113.5:3478"))));
        var v6 = IPEndPoint.Parse("[2001:db8::2]:3479");
        Assert.Equal(Hex.Parse("80 2c 00 14  00 02 0d 97  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"), Attribute(new OtherAddress(v6)));
        Assert.True(OtherAddress.TryParse(Hex.Parse("00 02 0d 97  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"), out var parsed));
        Assert.Equal(v6, parsed.EndPoint);
    }

    [Theory]
    [InlineData("00 03 0d 97 c6 33 64 02")] // unknown family
    [InlineData("00 01 0d 97 c6 33 64")]    // short IPv4
    [InlineData("00 02 0d 97 c6 33 64 02")] // IPv6 family, IPv4 length
    [InlineData("")]
    public void AddressAttributes_RejectMalformedValues(string hex)
    {
        Assert.False(OtherAddress.TryParse(Hex.Parse(hex), out _));
        Assert.False(ResponseOrigin.TryParse(Hex.Parse(hex), out _));
    }

    /// <summary>A Binding success response as an RFC 5780 server sends it (RFC 8489 §5 header,
    /// then XOR-MAPPED-ADDRESS 192.0.2.1:32853, RESPONSE-ORIGIN, OTHER-ADDRESS).</summary>
    private const string ServerResponse =
        "01 01 00 24  21 12 a4 42  b7 e7 a7 01 bc 34 d6 86 fa 87 df ae" +
        "00 20 00 08  00 01 a1 47  e1 12 a6 43" +
        "80 2b 00 08  00 01 0d 96  cb 00 71 05" +
        "80 2c 00 08  00 01 0d 97  c6 33 64 02";

    [Fact]
    public void BindingResponse_WithRfc5780Attributes_ParsesAndRebuildsByteForByte()
    {
        Assert.True(StunMessage.TryParse(Hex.Parse(ServerResponse), out var message));
        Assert.True(message.TryGetXorAddress(out XorMappedAddress mapped));
        Assert.True(message.TryGet(out ResponseOrigin origin));
        Assert.True(message.TryGet(out OtherAddress other));
        Assert.Equal(IPEndPoint.Parse("192.0.2.1:32853"), mapped.EndPoint);
        Assert.Equal(IPEndPoint.Parse("203.0.113.5:3478"), origin.EndPoint);
        Assert.Equal(IPEndPoint.Parse("198.51.100.2:3479"), other.EndPoint);

        var rebuilt = new StunMessageBuilder(StunMessageType.BindingSuccessResponse, Id)
            .AddXorAddress(mapped).Add(origin).Add(other).ToArray();
        Assert.Equal(Hex.Parse(ServerResponse), rebuilt);
    }

    [Fact]
    public void ChangeRequest_IsKnownButNotUnderstood_SoOurResponderAnswers420()
    {
        Assert.True(StunAttributeType.ChangeRequest.IsComprehensionRequired());
        Assert.False(StunAttributeType.ChangeRequest.IsUnderstood());
        Assert.False(StunAttributeType.OtherAddress.IsComprehensionRequired());
        Assert.True(StunAttributeType.OtherAddress.IsUnderstood());

        var request = new StunMessageBuilder(StunMessageType.BindingRequest, Id).Add(new ChangeRequest(true, true)).Build();
        var response = new StunBindingResponder().Respond(request, IPEndPoint.Parse("203.0.113.9:5000"))!;
        Assert.True(response.TryGet(out ErrorCode error));
        Assert.Equal(420, error.Code);
        Assert.True(response.TryGet(out UnknownAttributes unknown));
        Assert.Equal([StunAttributeType.ChangeRequest], unknown.Types);
    }
}
