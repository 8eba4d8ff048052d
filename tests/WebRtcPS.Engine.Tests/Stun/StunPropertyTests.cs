using System.Net;
using WebRtcPS.Engine.Stun;
using WebRtcPS.Engine.Stun.Attributes;

namespace WebRtcPS.Engine.Tests.Stun;

/// <summary>Seeded property tests: encoding agrees with decoding, and no input makes a parser throw.</summary>
public sealed class StunPropertyTests
{
    private static StunMessage RandomMessage(Random random)
    {
        Span<byte> id = stackalloc byte[12];
        random.NextBytes(id);
        var type = new StunMessageType((StunMethod)random.Next(0x1000), (StunClass)random.Next(4));
        var attributes = new StunAttribute[random.Next(8)];
        for (int i = 0; i < attributes.Length; i++)
        {
            var value = new byte[random.Next(4) == 0 ? random.Next(600) : random.Next(24)];
            random.NextBytes(value);
            attributes[i] = new StunAttribute((StunAttributeType)random.Next(0x10000), value);
        }
        return new StunMessage(type, new StunTransactionId(id), attributes);
    }

    [Fact]
    public void ParseOfWrite_IsIdentity_AndBuilderAgreesWithWrite()
    {
        var random = new Random(5769);
        for (int n = 0; n < 2000; n++)
        {
            var message = RandomMessage(random);
            var bytes = message.ToArray();
            Assert.Equal(message.EncodedLength, bytes.Length);
            Assert.True(StunMessage.IsStun(bytes) || message.Type.Value >= 0x400);
            Assert.True(StunMessage.TryParse(bytes, out var parsed));
            Assert.Equal(message, parsed);
            Assert.Equal(bytes, parsed.ToArray());

            var builder = new StunMessageBuilder(message.Type, message.TransactionId);
            foreach (var a in message.Attributes) builder.Add(a);
            Assert.Equal(bytes, builder.ToArray());
        }
    }

    [Fact]
    public void TypedAttributes_RoundTripForRandomValues()
    {
        var random = new Random(8489);
        for (int n = 0; n < 500; n++)
        {
            var id = StunTransactionId.NewId();
            var v4 = new IPEndPoint(new IPAddress(random.NextInt64(0, uint.MaxValue)), random.Next(65536));
            var v6bytes = new byte[16];
            random.NextBytes(v6bytes);
            var v6 = new IPEndPoint(new IPAddress(v6bytes), random.Next(65536));
            var priority = new Priority((uint)random.NextInt64(0, uint.MaxValue));
            var tie = new IceControlling((ulong)random.NextInt64());
            var error = new ErrorCode(random.Next(300, 700), new string('x', random.Next(40)));
            var message = new StunMessageBuilder(StunMessageType.BindingRequest, id)
                .AddXorAddress(new XorMappedAddress(v4))
                .AddXorAddress(new XorPeerAddress(v6))
                .Add(priority)
                .Add(tie)
                .Add(error)
                .Build();
            Assert.True(message.TryGetXorAddress(out XorMappedAddress a) && a.EndPoint.Equals(v4));
            Assert.True(message.TryGetXorAddress(out XorPeerAddress b) && b.EndPoint.Equals(v6));
            Assert.True(message.TryGet(out Priority p) && p == priority);
            Assert.True(message.TryGet(out IceControlling t) && t == tie);
            Assert.True(message.TryGet(out ErrorCode e) && e == error);
        }
    }

    [Fact]
    public void RandomAndMutatedInput_NeverThrows()
    {
        var random = new Random(7983);
        var seeds = new List<byte[]>
        {
            Rfc5769Tests.SampleRequest, Rfc5769Tests.SampleIPv4Response,
            Rfc5769Tests.SampleIPv6Response, Rfc5769Tests.SampleLongTermRequest,
        };
        for (int i = 0; i < 20; i++) seeds.Add(RandomMessage(random).ToArray());

        int parsed = 0;
        for (int n = 0; n < 30000; n++)
        {
            byte[] input;
            var seed = seeds[n % seeds.Count];
            switch (n % 4)
            {
                case 0:
                    input = new byte[random.Next(128)];
                    random.NextBytes(input);
                    break;
                case 1:
                    input = seed[..random.Next(seed.Length + 1)];
                    break;
                case 2:
                    input = (byte[])seed.Clone();
                    for (int k = 0; k <= n % 5; k++) input[random.Next(input.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                default:
                    // A valid header over random TLV soup.
                    var body = new byte[4 * random.Next(40)];
                    random.NextBytes(body);
                    input = [0, 1, (byte)(body.Length >> 8), (byte)body.Length, 0x21, 0x12, 0xA4, 0x42, .. new byte[12], .. body];
                    break;
            }
            if (Probe(input)) parsed++;
        }
        Assert.True(parsed > 1000, $"only {parsed} inputs parsed; the mutations are too destructive to exercise attribute parsers");
    }

    /// <summary>Runs every parser and checker over <paramref name="input"/>; any exception fails the test.</summary>
    private static bool Probe(byte[] input)
    {
        StunMessage.IsStun(input);
        StunMessage.TryGetMessageLength(input, out _);
        if (!StunMessage.TryParse(input, out var message)) return false;
        var key = "key"u8;
        MessageIntegrity.Verify(message, key);
        MessageIntegritySha256.Verify(message, key);
        Fingerprint.Verify(message);
        StunCredentials.Verify(message, key, requireFingerprint: true);
        message.GetUnknownComprehensionRequired();
        foreach (var a in message.Attributes)
        {
            var v = a.Value.Span;
            _ = MappedAddress.TryParse(v, out _);
            _ = AlternateServer.TryParse(v, out _);
            _ = XorMappedAddress.TryParse(v, message.TransactionId, out _);
            _ = XorPeerAddress.TryParse(v, message.TransactionId, out _);
            _ = XorRelayedAddress.TryParse(v, message.TransactionId, out _);
            _ = Username.TryParse(v, out _);
            _ = Realm.TryParse(v, out _);
            _ = Nonce.TryParse(v, out _);
            _ = Software.TryParse(v, out _);
            _ = AlternateDomain.TryParse(v, out _);
            _ = UserHash.TryParse(v, out _);
            _ = MessageIntegrity.TryParse(v, out _);
            _ = MessageIntegritySha256.TryParse(v, out _);
            _ = Fingerprint.TryParse(v, out _);
            _ = ErrorCode.TryParse(v, out _);
            _ = AddressErrorCode.TryParse(v, out _);
            _ = UnknownAttributes.TryParse(v, out _);
            _ = PasswordAlgorithm.TryParse(v, out _);
            _ = PasswordAlgorithms.TryParse(v, out _);
            _ = Priority.TryParse(v, out _);
            _ = UseCandidate.TryParse(v, out _);
            _ = IceControlled.TryParse(v, out _);
            _ = IceControlling.TryParse(v, out _);
            _ = ChannelNumber.TryParse(v, out _);
            _ = Lifetime.TryParse(v, out _);
            _ = Data.TryParse(v, out _);
            _ = RequestedAddressFamily.TryParse(v, out _);
            _ = AdditionalAddressFamily.TryParse(v, out _);
            _ = EvenPort.TryParse(v, out _);
            _ = RequestedTransport.TryParse(v, out _);
            _ = DontFragment.TryParse(v, out _);
            _ = ReservationToken.TryParse(v, out _);
            _ = Icmp.TryParse(v, out _);
        }
        return true;
    }
}
