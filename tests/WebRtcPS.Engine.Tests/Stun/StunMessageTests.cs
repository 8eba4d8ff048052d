using WebRtcPS.Engine.Stun;
using WebRtcPS.Engine.Stun.Attributes;

namespace WebRtcPS.Engine.Tests.Stun;

public sealed class StunMessageTests
{
    [Theory]
    [InlineData(StunMethod.Binding, StunClass.Request, 0x0001)]
    [InlineData(StunMethod.Binding, StunClass.Indication, 0x0011)]
    [InlineData(StunMethod.Binding, StunClass.SuccessResponse, 0x0101)]
    [InlineData(StunMethod.Binding, StunClass.ErrorResponse, 0x0111)]
    [InlineData(StunMethod.Allocate, StunClass.Request, 0x0003)]
    [InlineData(StunMethod.Allocate, StunClass.SuccessResponse, 0x0103)]
    [InlineData(StunMethod.Allocate, StunClass.ErrorResponse, 0x0113)]
    [InlineData(StunMethod.Send, StunClass.Indication, 0x0016)]
    [InlineData(StunMethod.Data, StunClass.Indication, 0x0017)]
    [InlineData(StunMethod.ChannelBind, StunClass.Request, 0x0009)]
    [InlineData((StunMethod)0xFFF, StunClass.ErrorResponse, 0x3FFF)]
    public void MessageType_InterleavesMethodAndClassBits(object methodValue, object classValue, int wire)
    {
        var (method, @class) = ((StunMethod)methodValue, (StunClass)classValue); // (internal enums cannot be a public theory's parameter types)
        var type = new StunMessageType(method, @class);
        Assert.Equal((ushort)wire, type.Value);
        Assert.Equal(type, StunMessageType.FromValue((ushort)wire));
    }

    [Fact]
    public void MessageType_RejectsMethodsWiderThan12Bits() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new StunMessageType((StunMethod)0x1000, StunClass.Request));

    [Fact]
    public void IsStun_TellsStunFromDtlsRtpAndShortInput()
    {
        Assert.True(StunMessage.IsStun(Rfc5769Tests.SampleRequest));
        var dtls = (byte[])Rfc5769Tests.SampleRequest.Clone();
        dtls[0] = 22; // a DTLS handshake record starts with 20..63 (RFC 7983)
        Assert.False(StunMessage.IsStun(dtls));
        var rtp = (byte[])Rfc5769Tests.SampleRequest.Clone();
        rtp[0] = 0x80;
        Assert.False(StunMessage.IsStun(rtp));
        var noCookie = (byte[])Rfc5769Tests.SampleRequest.Clone();
        noCookie[4] ^= 1;
        Assert.False(StunMessage.IsStun(noCookie));
        Assert.False(StunMessage.IsStun(Rfc5769Tests.SampleRequest.AsSpan(0, 19)));
        Assert.False(StunMessage.IsStun(Rfc5769Tests.SampleRequest.AsSpan(0, 40)));
    }

    [Fact]
    public void TryGetMessageLength_ReadsTheFrameSizeFromTheHeader()
    {
        Assert.True(StunMessage.TryGetMessageLength(Rfc5769Tests.SampleRequest.AsSpan(0, 20), out int total));
        Assert.Equal(Rfc5769Tests.SampleRequest.Length, total);
        Assert.False(StunMessage.TryGetMessageLength(Rfc5769Tests.SampleRequest.AsSpan(0, 19), out _));
    }

    [Fact]
    public void TryParse_RejectsBadFraming()
    {
        var good = Rfc5769Tests.SampleRequest;
        Assert.False(StunMessage.TryParse(good.AsSpan(0, good.Length - 4), out _));
        Assert.False(StunMessage.TryParse([.. good, 0, 0, 0, 0], out _));
        var oddLength = (byte[])good.Clone();
        oddLength[3] = 0x57;
        Assert.False(StunMessage.TryParse(oddLength, out _));
        var overrun = (byte[])good.Clone();
        overrun[23] = 0x20; // SOFTWARE claims 32 bytes
        Assert.False(StunMessage.TryParse(overrun, out _));
        Assert.False(StunMessage.TryParse([], out _));
    }

    [Fact]
    public void EmptyMessage_RoundTrips()
    {
        var id = StunTransactionId.NewId();
        var bytes = new StunMessageBuilder(StunMessageType.BindingRequest, id).ToArray();
        Assert.Equal(20, bytes.Length);
        Assert.True(StunMessage.TryParse(bytes, out var message));
        Assert.Empty(message.Attributes);
        Assert.Equal(id, message.TransactionId);
        Assert.Equal(bytes, new StunMessage(StunMessageType.BindingRequest, id).ToArray());
    }

    [Fact]
    public void TransactionId_RoundTripsThroughBytesAndPrintsAsHex()
    {
        var id = new StunTransactionId(Hex.Parse("b7e7a701bc34d686fa87dfae"));
        Assert.Equal("b7e7a701bc34d686fa87dfae", id.ToString());
        Assert.Equal(id, new StunTransactionId(id.ToArray()));
        Assert.NotEqual(StunTransactionId.NewId(), StunTransactionId.NewId());
    }

    [Fact]
    public void AttributesAfterIntegrity_AreIgnoredExceptSha256AndFingerprint()
    {
        var key = "k"u8.ToArray();
        var builder = new StunMessageBuilder(StunMessageType.BindingRequest, StunTransactionId.NewId())
            .Add(new Lifetime(600))
            .AddMessageIntegrity(key)
            .Add(new Data(new byte[] { 1, 2, 3 }))
            .AddFingerprint()
            .Add(new Software("after fingerprint"));
        var message = builder.Build();
        Assert.Equal(5, message.Attributes.Count);
        Assert.True(message.TryGet(out Lifetime _));
        Assert.False(message.TryGet(out Data _));
        Assert.True(message.Contains(StunAttributeType.Fingerprint));
        Assert.False(message.TryGet(out Software _));
        Assert.Equal(StunIntegrityStatus.Valid, MessageIntegrity.Verify(message, key));
        // FINGERPRINT must be last (RFC 8489 §14.7).
        Assert.Equal(StunIntegrityStatus.Invalid, Fingerprint.Verify(message));
    }

    [Fact]
    public void UnknownComprehensionRequired_IsReportedOnceInOrder_OptionalIgnored()
    {
        var message = new StunMessageBuilder(StunMessageType.BindingRequest, StunTransactionId.NewId())
            .Add((StunAttributeType)0x7FFE, [1])
            .Add(new Username("a:b"))
            .Add((StunAttributeType)0xC057, [0, 1, 0, 10]) // Chrome's GOOG-NETWORK-INFO: optional
            .Add((StunAttributeType)0x0031, [])
            .Add((StunAttributeType)0x7FFE, [2])
            .Build();
        Assert.Equal([(StunAttributeType)0x7FFE, (StunAttributeType)0x0031], message.GetUnknownComprehensionRequired());
        Assert.Empty(message.GetUnknownComprehensionRequired(_ => true));
    }

    [Fact]
    public void UnknownAttributesAfterIntegrity_DoNotCount()
    {
        var message = new StunMessageBuilder(StunMessageType.BindingRequest, StunTransactionId.NewId())
            .AddMessageIntegrity("k"u8)
            .Add((StunAttributeType)0x0031, [])
            .Build();
        Assert.Empty(message.GetUnknownComprehensionRequired());
        Assert.Equal([StunAttributeType.MessageIntegrity], message.EffectiveAttributes.Select(a => a.Type));
    }

    [Fact]
    public void Builder_KeepsLengthFieldCurrentAndPads()
    {
        var builder = new StunMessageBuilder(StunMessageType.BindingRequest, StunTransactionId.NewId());
        builder.Add(StunAttributeType.Data, [9]);
        Assert.Equal(28, builder.Length);
        Assert.Equal(new byte[] { 0, 8 }, builder.WrittenSpan[2..4].ToArray());
        Assert.Equal(new byte[] { 0, 0x13, 0, 1, 9, 0, 0, 0 }, builder.WrittenSpan[20..].ToArray());
    }

    [Fact]
    public void Builder_RefusesToExceedTheLengthField()
    {
        var builder = new StunMessageBuilder(StunMessageType.BindingIndication, StunTransactionId.NewId());
        builder.Add(StunAttributeType.Data, new byte[65000]);
        Assert.Throws<InvalidOperationException>(() => builder.Add(StunAttributeType.Data, new byte[600]));
    }
}
