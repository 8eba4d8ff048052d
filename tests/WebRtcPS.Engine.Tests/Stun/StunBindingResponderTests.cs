using System.Net;
using WebRtcPS.Engine.Stun;
using WebRtcPS.Engine.Stun.Attributes;

namespace WebRtcPS.Engine.Tests.Stun;

public sealed class StunBindingResponderTests
{
    private static readonly IPEndPoint Source = IPEndPoint.Parse("203.0.113.5:40000");

    private static StunMessageBuilder Binding() => new(StunMessageType.BindingRequest, StunTransactionId.NewId());

    [Fact]
    public void BindingRequest_GetsXorMappedAddressOfTheSource()
    {
        var responder = new StunBindingResponder(new StunBindingResponderOptions { Software = "WebRtcPS test" });
        var request = Binding().AddFingerprint().Build();
        var response = responder.Respond(request, Source);

        Assert.NotNull(response);
        Assert.Equal(StunMessageType.BindingSuccessResponse, response.Type);
        Assert.Equal(request.TransactionId, response.TransactionId);
        Assert.True(response.TryGetXorAddress(out XorMappedAddress mapped));
        Assert.Equal(Source, mapped.EndPoint);
        Assert.True(response.TryGet(out Software software));
        Assert.Equal("WebRtcPS test", software.Value);
        Assert.Equal(StunIntegrityStatus.Valid, Fingerprint.Verify(response));
        Assert.Equal(StunIntegrityStatus.Missing, MessageIntegrity.Verify(response, "x"u8));
    }

    [Fact]
    public void IPv6Source_IsMappedToo()
    {
        var source = IPEndPoint.Parse("[2001:db8::7]:5000");
        var response = new StunBindingResponder().Respond(Binding().Build(), source);
        Assert.True(response!.TryGetXorAddress(out XorMappedAddress mapped));
        Assert.Equal(source, mapped.EndPoint);
    }

    [Fact]
    public void NonRequestsAndGarbage_AreDropped()
    {
        var responder = new StunBindingResponder();
        Assert.Null(responder.Respond(new StunMessageBuilder(StunMessageType.BindingIndication, StunTransactionId.NewId()).Build(), Source));
        Assert.Null(responder.Respond(new StunMessageBuilder(StunMessageType.BindingSuccessResponse, StunTransactionId.NewId()).Build(), Source));
        Assert.Null(responder.Respond([22, 254, 253, 0, 0], Source));
    }

    [Fact]
    public void BadFingerprint_IsDropped()
    {
        var bytes = Binding().Add(new Software("x")).AddFingerprint().ToArray();
        bytes[^1] ^= 1;
        Assert.Null(new StunBindingResponder().Respond(bytes, Source));
    }

    [Fact]
    public void UnknownComprehensionRequired_Gets420ListingThem_OptionalIsIgnored()
    {
        var request = Binding()
            .Add((StunAttributeType)0x0031, [1, 2, 3, 4])
            .Add((StunAttributeType)0xC057, [0, 1, 0, 10])
            .Build();
        var response = new StunBindingResponder().Respond(request, Source)!;
        Assert.Equal(StunMessageType.BindingErrorResponse, response.Type);
        Assert.True(response.TryGet(out ErrorCode error));
        Assert.Equal(420, error.Code);
        Assert.True(response.TryGet(out UnknownAttributes unknown));
        Assert.Equal([(StunAttributeType)0x0031], unknown.Types);

        var optionalOnly = Binding().Add((StunAttributeType)0xC057, [0, 1, 0, 10]).Build();
        Assert.Equal(StunClass.SuccessResponse, new StunBindingResponder().Respond(optionalOnly, Source)!.Class);
    }

    [Fact]
    public void OtherMethods_Get400()
    {
        var request = new StunMessageBuilder(new StunMessageType(StunMethod.Allocate, StunClass.Request), StunTransactionId.NewId()).Build();
        var response = new StunBindingResponder().Respond(request, Source)!;
        Assert.Equal(new StunMessageType(StunMethod.Allocate, StunClass.ErrorResponse), response.Type);
        Assert.True(response.TryGet(out ErrorCode error));
        Assert.Equal(400, error.Code);
    }

    [Fact]
    public void IceCheck_WithRightCredentials_IsAnsweredWithIntegrity()
    {
        var responder = new StunBindingResponder(StunBindingResponderOptions.ForIce("LFRG", "localpassword0123456789"));
        var key = StunCredentials.ShortTermKey("localpassword0123456789");
        var request = Binding()
            .Add(new Username("LFRG:RFRG"))
            .Add(new Priority(0x6e0001ff))
            .Add(new IceControlling(42))
            .AddMessageIntegrity(key)
            .AddFingerprint()
            .Build();
        var response = responder.Respond(request, Source)!;
        Assert.Equal(StunClass.SuccessResponse, response.Class);
        Assert.True(StunCredentials.Verify(response, key, requireFingerprint: true));
    }

    [Theory]
    [InlineData("LFRG:RFRG", "wrongpassword", 401)]
    [InlineData("OTHER:RFRG", "localpassword0123456789", 401)]
    [InlineData("LFRG:", "localpassword0123456789", 401)]
    [InlineData(null, "localpassword0123456789", 400)]
    [InlineData("LFRG:RFRG", null, 400)]
    public void IceCheck_WithBadOrMissingCredentials_GetsAnError(string? username, string? password, int code)
    {
        var responder = new StunBindingResponder(StunBindingResponderOptions.ForIce("LFRG", "localpassword0123456789"));
        var builder = Binding();
        if (username is not null) builder.Add(new Username(username));
        if (password is not null) builder.AddMessageIntegrity(StunCredentials.ShortTermKey(password));
        var response = responder.Respond(builder.AddFingerprint().Build(), Source)!;
        Assert.Equal(StunClass.ErrorResponse, response.Class);
        Assert.True(response.TryGet(out ErrorCode error));
        Assert.Equal(code, error.Code);
        Assert.False(response.Contains(StunAttributeType.MessageIntegrity));
    }

    [Fact]
    public void Authenticated420_IsProtectedWithTheKey()
    {
        var key = StunCredentials.ShortTermKey("pw");
        var responder = new StunBindingResponder(new StunBindingResponderOptions { GetShortTermKey = u => u == "user" ? key : null });
        var request = Binding().Add(new Username("user")).Add((StunAttributeType)0x0031, []).AddMessageIntegrity(key).Build();
        var response = responder.Respond(request, Source)!;
        Assert.True(response.TryGet(out ErrorCode error));
        Assert.Equal(420, error.Code);
        Assert.Equal(StunIntegrityStatus.Valid, MessageIntegrity.Verify(response, key));
    }
}
