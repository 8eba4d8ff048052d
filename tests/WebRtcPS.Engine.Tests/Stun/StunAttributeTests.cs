using System.Net;
using WebRtcPS.Engine.Stun;
using WebRtcPS.Engine.Stun.Attributes;

namespace WebRtcPS.Engine.Tests.Stun;

public sealed class StunAttributeTests
{
    private static readonly StunTransactionId Id = new(Hex.Parse("b7e7a701bc34d686fa87dfae"));

    /// <summary>Writes the attribute into a message, checks the value bytes, parses it back.</summary>
    private static void RoundTrip<T>(T attribute, string? expectedValueHex = null) where T : IStunAttribute<T>
    {
        var message = new StunMessageBuilder(StunMessageType.BindingRequest, Id).Add(attribute).Build();
        var raw = Assert.Single(message.Attributes);
        Assert.Equal(T.AttributeType, raw.Type);
        if (expectedValueHex is not null) Assert.Equal(Hex.Parse(expectedValueHex), raw.Value.ToArray());
        Assert.True(message.TryGet(out T parsed));
        Assert.Equal(attribute, parsed);
    }

    private static void RoundTripXor<T>(T attribute, string? expectedValueHex = null) where T : IStunXorAddressAttribute<T>
    {
        var message = new StunMessageBuilder(StunMessageType.BindingRequest, Id).AddXorAddress(attribute).Build();
        var raw = Assert.Single(message.Attributes);
        if (expectedValueHex is not null) Assert.Equal(Hex.Parse(expectedValueHex), raw.Value.ToArray());
        Assert.True(message.TryGetXorAddress(out T parsed));
        Assert.Equal(attribute, parsed);
    }

    private static IPEndPoint EP(string text) => IPEndPoint.Parse(text);

    [Fact]
    public void Addresses_RoundTrip()
    {
        RoundTrip(new MappedAddress(EP("192.0.2.1:32853")), "00 01 80 55 c0 00 02 01");
        RoundTrip(new MappedAddress(EP("[2001:db8::1]:3478")));
        RoundTrip(new AlternateServer(EP("198.51.100.7:3478")));
        RoundTripXor(new XorMappedAddress(EP("192.0.2.1:32853")), "00 01 a1 47 e1 12 a6 43");
        RoundTripXor(new XorMappedAddress(EP("[2001:db8:1234:5678:11:2233:4455:6677]:32853")), "00 02 a1 47 01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9");
        RoundTripXor(new XorPeerAddress(EP("[::1]:1")));
        RoundTripXor(new XorRelayedAddress(EP("203.0.113.9:65535")));
    }

    [Fact]
    public void IPv4MappedIPv6_IsSentAsIPv4()
    {
        var mapped = new IPEndPoint(IPAddress.Parse("192.0.2.1").MapToIPv6(), 32853);
        var message = new StunMessageBuilder(StunMessageType.BindingSuccessResponse, Id).AddXorAddress(new XorMappedAddress(mapped)).Build();
        Assert.True(message.TryGetXorAddress(out XorMappedAddress parsed));
        Assert.Equal(EP("192.0.2.1:32853"), parsed.EndPoint);
    }

    [Theory]
    [InlineData("00 03 00 00 01 02 03 04")] // unknown family
    [InlineData("00 01 00 00 01 02 03")]    // short IPv4
    [InlineData("00 02 00 00 01 02 03 04")] // IPv6 family, IPv4 length
    [InlineData("00 01 00")]
    public void Addresses_RejectMalformedValues(string hex)
    {
        Assert.False(MappedAddress.TryParse(Hex.Parse(hex), out _));
        Assert.False(XorMappedAddress.TryParse(Hex.Parse(hex), Id, out _));
    }

    [Fact]
    public void Texts_RoundTripAndValidate()
    {
        RoundTrip(new Username("evtj:h6vY"), "65 76 74 6a 3a 68 36 76 59");
        RoundTrip(new Realm("example.org"));
        RoundTrip(new Nonce("obMatJos2AAABadkuGpRXqKr9q"));
        RoundTrip(new Software("WebRtcPS"));
        RoundTrip(new AlternateDomain("turn.example.org"));
        Assert.Throws<ArgumentException>(() => new Username(new string('a', 509)));
        Assert.Throws<ArgumentException>(() => new Software(new string('a', 128)));
        Assert.False(Username.TryParse([0xC3, 0x28], out _)); // invalid UTF-8
    }

    [Fact]
    public void Integers_RoundTripWithTheirWireForm()
    {
        RoundTrip(new Priority(0x6e0001ff), "6e 00 01 ff");
        RoundTrip(new Lifetime(600), "00 00 02 58");
        RoundTrip(new IceControlled(0x932ff9b151263b36), "93 2f f9 b1 51 26 3b 36");
        RoundTrip(new IceControlling(1), "00 00 00 00 00 00 00 01");
        RoundTrip(new ReservationToken(0x0102030405060708), "01 02 03 04 05 06 07 08");
        RoundTrip(new ChannelNumber(0x4001), "40 01 00 00");
        RoundTrip(new RequestedTransport(RequestedTransport.Udp), "11 00 00 00");
        RoundTrip(new RequestedAddressFamily(StunAddressFamily.IPv6), "02 00 00 00");
        RoundTrip(new AdditionalAddressFamily(StunAddressFamily.IPv6), "02 00 00 00");
        RoundTrip(new EvenPort(true), "80");
        RoundTrip(new EvenPort(false), "00");
        RoundTrip(new UseCandidate(), "");
        RoundTrip(new DontFragment(), "");
        Assert.False(Priority.TryParse([1, 2, 3], out _));
        Assert.False(UseCandidate.TryParse([0], out _));
        Assert.True(new ChannelNumber(0x4FFF).IsInValidRange);
        Assert.False(new ChannelNumber(0x3FFF).IsInValidRange);
    }

    [Fact]
    public void ErrorCodes_EncodeClassAndNumber()
    {
        RoundTrip(new ErrorCode(420), "00 00 04 14 55 6e 6b 6e 6f 77 6e 20 41 74 74 72 69 62 75 74 65");
        RoundTrip(new ErrorCode(StunErrorCodes.RoleConflict, "Role Conflict"));
        Assert.Equal("Stale Nonce", new ErrorCode(438).Reason);
        Assert.Equal(4, new ErrorCode(438).Class);
        Assert.Equal(38, new ErrorCode(438).Number);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ErrorCode(200));
        Assert.False(ErrorCode.TryParse(Hex.Parse("00 00 02 00"), out _)); // class 2
        Assert.False(ErrorCode.TryParse(Hex.Parse("00 00 04 64"), out _)); // number 100
        Assert.False(ErrorCode.TryParse(Hex.Parse("00 00 04"), out _));
        RoundTrip(new AddressErrorCode(StunAddressFamily.IPv6, 440), "02 00 04 28 41 64 64 72 65 73 73 20 46 61 6d 69 6c 79 20 6e 6f 74 20 53 75 70 70 6f 72 74 65 64");
    }

    [Fact]
    public void UnknownAttributes_ListTypes()
    {
        RoundTrip(new UnknownAttributes([(StunAttributeType)0x7FFE, StunAttributeType.UserHash]), "7f fe 00 1e");
        Assert.False(UnknownAttributes.TryParse([1, 2, 3], out _));
    }

    [Fact]
    public void PasswordAlgorithms_PadParameters()
    {
        RoundTrip(new PasswordAlgorithm(StunPasswordAlgorithm.Sha256), "00 02 00 00");
        RoundTrip(new PasswordAlgorithms([new(StunPasswordAlgorithm.Md5), new(StunPasswordAlgorithm.Sha256)]), "00 01 00 00 00 02 00 00");
        RoundTrip(new PasswordAlgorithms([new((StunPasswordAlgorithm)9, new byte[] { 7 }), new(StunPasswordAlgorithm.Md5)]), "00 09 00 01 07 00 00 00 00 01 00 00");
        Assert.False(PasswordAlgorithms.TryParse(Hex.Parse("00 01 00 05 00"), out _));
    }

    [Fact]
    public void Opaque_RoundTrip()
    {
        RoundTrip(new Data(new byte[] { 1, 2, 3, 4, 5 }), "01 02 03 04 05");
        RoundTrip(UserHash.Compute("user", "realm"));
        Assert.False(UserHash.TryParse(new byte[31], out _));
        Assert.False(MessageIntegrity.TryParse(new byte[19], out _));
    }

    [Fact]
    public void Icmp_PacksTypeAndCodeAsDrawnInRfc8656()
    {
        // Type 3 (destination unreachable), code 4 (fragmentation needed), MTU 1400.
        RoundTrip(new Icmp(3, 4, 1400), "00 00 06 04 00 00 05 78");
    }

    [Theory]
    [InlineData(16)]
    [InlineData(20)]
    [InlineData(32)]
    public void MessageIntegritySha256_TruncatesAndVerifies(int length)
    {
        var key = StunCredentials.LongTermKey("user", "realm", "pass", StunPasswordAlgorithm.Sha256);
        var message = new StunMessageBuilder(StunMessageType.BindingRequest, Id)
            .Add(new Username("user"))
            .AddMessageIntegritySha256(key, length)
            .AddFingerprint()
            .Build();
        Assert.True(message.TryGetAttribute(StunAttributeType.MessageIntegritySha256, out var mi));
        Assert.Equal(length, mi.Value.Length);
        Assert.Equal(StunIntegrityStatus.Valid, MessageIntegritySha256.Verify(message, key));
        Assert.Equal(StunIntegrityStatus.Invalid, MessageIntegritySha256.Verify(message, "other"u8));
        Assert.True(StunCredentials.Verify(message, key, requireFingerprint: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StunMessageBuilder(StunMessageType.BindingRequest, Id).AddMessageIntegritySha256(key, 12));
    }

    [Fact]
    public void MessageIntegritySha256_WithBadLength_IsInvalid()
    {
        var message = new StunMessageBuilder(StunMessageType.BindingRequest, Id)
            .Add(StunAttributeType.MessageIntegritySha256, new byte[12])
            .Build();
        Assert.Equal(StunIntegrityStatus.Invalid, MessageIntegritySha256.Verify(message, "k"u8));
        Assert.Equal(StunIntegrityStatus.Missing, MessageIntegrity.Verify(message, "k"u8));
    }

    [Fact]
    public void BothIntegrities_Sha256IsPreferredAndFingerprintCoversBoth()
    {
        var key = "secret"u8.ToArray();
        var message = new StunMessageBuilder(StunMessageType.BindingRequest, Id)
            .AddMessageIntegrity(key)
            .AddMessageIntegritySha256(key)
            .AddFingerprint()
            .Build();
        Assert.Equal(StunIntegrityStatus.Valid, MessageIntegrity.Verify(message, key));
        Assert.Equal(StunIntegrityStatus.Valid, MessageIntegritySha256.Verify(message, key));
        Assert.Equal(StunIntegrityStatus.Valid, StunCredentials.CheckIntegrity(message, key));
        Assert.Equal(StunIntegrityStatus.Valid, Fingerprint.Verify(message));
    }

    [Fact]
    public void UnderstoodTypes_AreTheEnumsOwn()
    {
        Assert.True(StunAttributeType.XorMappedAddress.IsUnderstood());
        Assert.True(StunAttributeType.XorMappedAddress.IsComprehensionRequired());
        Assert.False(StunAttributeType.Software.IsComprehensionRequired());
        Assert.False(((StunAttributeType)0x0031).IsUnderstood());
    }
}
