using System.Net;
using WebRtcPS.Engine.Stun;
using WebRtcPS.Engine.Stun.Attributes;

namespace WebRtcPS.Engine.Tests.Stun;

/// <summary>
/// RFC 5769 test vectors, byte for byte. The vectors of §2.1-§2.3 pad with spaces (0x20), which
/// MESSAGE-INTEGRITY and FINGERPRINT cover, so rebuilding them needs PaddingByte = 0x20.
/// </summary>
public sealed class Rfc5769Tests
{
    internal const string ShortTermPassword = "VOkJxbRl1RmTxUk/WvJxBt";
    private static readonly StunTransactionId VectorId = new(Hex.Parse("b7 e7 a7 01 bc 34 d6 86 fa 87 df ae"));

    internal static readonly byte[] SampleRequest = Hex.Parse("""
        00 01 00 58 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
        80 22 00 10 53 54 55 4e 20 74 65 73 74 20 63 6c 69 65 6e 74
        00 24 00 04 6e 00 01 ff
        80 29 00 08 93 2f f9 b1 51 26 3b 36
        00 06 00 09 65 76 74 6a 3a 68 36 76 59 20 20 20
        00 08 00 14 9a ea a7 0c bf d8 cb 56 78 1e f2 b5 b2 d3 f2 49 c1 b5 71 a2
        80 28 00 04 e5 7a 3b cf
        """);

    internal static readonly byte[] SampleIPv4Response = Hex.Parse("""
        01 01 00 3c 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
        80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
        00 20 00 08 00 01 a1 47 e1 12 a6 43
        00 08 00 14 2b 91 f5 99 fd 9e 90 c3 8c 74 89 f9 2a f9 ba 53 f0 6b e7 d7
        80 28 00 04 c0 7d 4c 96
        """);

    internal static readonly byte[] SampleIPv6Response = Hex.Parse("""
        01 01 00 48 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
        80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
        00 20 00 14 00 02 a1 47 01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9
        00 08 00 14 a3 82 95 4e 4b e6 7b f1 17 84 c9 7c 82 92 c2 75 bf e3 ed 41
        80 28 00 04 c8 fb 0b 4c
        """);

    internal static readonly byte[] SampleLongTermRequest = Hex.Parse("""
        00 01 00 60 21 12 a4 42 78 ad 34 33 c6 ad 72 c0 29 da 41 2e
        00 06 00 12 e3 83 9e e3 83 88 e3 83 aa e3 83 83 e3 82 af e3 82 b9 00 00
        00 15 00 1c 66 2f 2f 34 39 39 6b 39 35 34 64 36 4f 4c 33 34 6f 4c 39 46 53 54 76 79 36 34 73 41
        00 14 00 0b 65 78 61 6d 70 6c 65 2e 6f 72 67 00
        00 08 00 14 f6 70 24 65 6d d6 4a 3e 02 b8 e0 71 2e 85 c9 a2 8c a8 96 66
        """);

    private static readonly byte[] ShortTermKey = StunCredentials.ShortTermKey(ShortTermPassword);

    [Fact]
    public void SampleRequest_ParsesVerifiesAndRebuildsByteForByte()
    {
        Assert.True(StunMessage.IsStun(SampleRequest));
        Assert.True(StunMessage.TryParse(SampleRequest, out var message));
        Assert.Equal(StunMessageType.BindingRequest, message.Type);
        Assert.Equal(VectorId, message.TransactionId);
        Assert.True(message.TryGet(out Software software));
        Assert.Equal("STUN test client", software.Value);
        Assert.True(message.TryGet(out Priority priority));
        Assert.Equal(0x6e0001ffu, priority.Value);
        Assert.True(message.TryGet(out IceControlled controlled));
        Assert.Equal(0x932ff9b151263b36ul, controlled.TieBreaker);
        Assert.True(message.TryGet(out Username username));
        Assert.Equal("evtj:h6vY", username.Value);

        Assert.Equal(StunIntegrityStatus.Valid, MessageIntegrity.Verify(message, ShortTermKey));
        Assert.Equal(StunIntegrityStatus.Invalid, MessageIntegrity.Verify(message, "wrong"u8));
        Assert.Equal(StunIntegrityStatus.Valid, Fingerprint.Verify(message));
        Assert.True(StunCredentials.Verify(message, ShortTermKey, requireFingerprint: true));

        var rebuilt = new StunMessageBuilder(StunMessageType.BindingRequest, VectorId) { PaddingByte = 0x20 }
            .Add(new Software("STUN test client"))
            .Add(new Priority(0x6e0001ff))
            .Add(new IceControlled(0x932ff9b151263b36))
            .Add(new Username("evtj:h6vY"))
            .AddMessageIntegrity(ShortTermKey)
            .AddFingerprint()
            .ToArray();
        Assert.Equal(SampleRequest, rebuilt);
    }

    [Fact]
    public void SampleIPv4Response_ParsesVerifiesAndRebuildsByteForByte()
    {
        Assert.True(StunMessage.TryParse(SampleIPv4Response, out var message));
        Assert.Equal(StunMessageType.BindingSuccessResponse, message.Type);
        Assert.True(message.TryGet(out Software software));
        Assert.Equal("test vector", software.Value);
        Assert.True(message.TryGetXorAddress(out XorMappedAddress mapped));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853), mapped.EndPoint);
        Assert.Equal(StunIntegrityStatus.Valid, MessageIntegrity.Verify(message, ShortTermKey));
        Assert.Equal(StunIntegrityStatus.Valid, Fingerprint.Verify(message));

        var rebuilt = new StunMessageBuilder(StunMessageType.BindingSuccessResponse, VectorId) { PaddingByte = 0x20 }
            .Add(new Software("test vector"))
            .AddXorAddress(new XorMappedAddress(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853)))
            .AddMessageIntegrity(ShortTermKey)
            .AddFingerprint()
            .ToArray();
        Assert.Equal(SampleIPv4Response, rebuilt);
    }

    [Fact]
    public void SampleIPv6Response_ParsesVerifiesAndRebuildsByteForByte()
    {
        var expected = new IPEndPoint(IPAddress.Parse("2001:db8:1234:5678:11:2233:4455:6677"), 32853);
        Assert.True(StunMessage.TryParse(SampleIPv6Response, out var message));
        Assert.True(message.TryGetXorAddress(out XorMappedAddress mapped));
        Assert.Equal(expected, mapped.EndPoint);
        Assert.Equal(StunIntegrityStatus.Valid, MessageIntegrity.Verify(message, ShortTermKey));
        Assert.Equal(StunIntegrityStatus.Valid, Fingerprint.Verify(message));

        var rebuilt = new StunMessageBuilder(StunMessageType.BindingSuccessResponse, VectorId) { PaddingByte = 0x20 }
            .Add(new Software("test vector"))
            .AddXorAddress(new XorMappedAddress(expected))
            .AddMessageIntegrity(ShortTermKey)
            .AddFingerprint()
            .ToArray();
        Assert.Equal(SampleIPv6Response, rebuilt);
    }

    [Fact]
    public void SampleLongTermRequest_ParsesVerifiesAndRebuildsByteForByte()
    {
        const string user = "\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9";
        const string nonce = "f//499k954d6OL34oL9FSTvy64sA";
        Assert.True(StunMessage.TryParse(SampleLongTermRequest, out var message));
        Assert.True(message.TryGet(out Username username));
        Assert.Equal(user, username.Value);
        Assert.True(message.TryGet(out Nonce n));
        Assert.Equal(nonce, n.Value);
        Assert.True(message.TryGet(out Realm realm));
        Assert.Equal("example.org", realm.Value);

        // SASLprep maps "The\u00ADM\u00AAtr\u2168" to "TheMatrIX" (soft hyphen removed, NFKC).
        var key = StunCredentials.LongTermKey(user, "example.org", "The\u00ADM\u00AAtr\u2168");
        Assert.Equal(StunCredentials.LongTermKey(user, "example.org", "TheMatrIX"), key);
        Assert.Equal(StunIntegrityStatus.Valid, MessageIntegrity.Verify(message, key));
        Assert.Equal(StunIntegrityStatus.Invalid, MessageIntegrity.Verify(message, StunCredentials.LongTermKey(user, "example.org", "thematrix")));
        Assert.Equal(StunIntegrityStatus.Missing, Fingerprint.Verify(message));
        Assert.True(StunCredentials.Verify(message, key));
        Assert.False(StunCredentials.Verify(message, key, requireFingerprint: true));

        var rebuilt = new StunMessageBuilder(StunMessageType.BindingRequest, message.TransactionId)
            .Add(new Username(user))
            .Add(new Nonce(nonce))
            .Add(new Realm("example.org"))
            .AddMessageIntegrity(key)
            .ToArray();
        Assert.Equal(SampleLongTermRequest, rebuilt);
    }

    [Fact]
    public void AnyFlippedBit_BreaksIntegrityOrFingerprint()
    {
        for (int bit = 8 * StunMessage.HeaderLength; bit < SampleRequest.Length * 8; bit++)
        {
            var copy = (byte[])SampleRequest.Clone();
            copy[bit / 8] ^= (byte)(1 << (bit % 8));
            if (!StunMessage.TryParse(copy, out var message)) continue;
            Assert.False(StunCredentials.Verify(message, ShortTermKey, requireFingerprint: true), $"bit {bit}");
        }
    }
}
