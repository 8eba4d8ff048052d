using System.Buffers.Binary;
using System.Net;
using WebRtcPS.Engine.Ice;

namespace WebRtcPS.Engine.Tests.Ice;

/// <summary>The responder's answers (RFC 6762 §6, §6.7) and the codec they use, without sockets;
/// the real responder and resolver meet in tests/Pester/Mdns.Tests.ps1, in a network namespace.</summary>
public sealed class MdnsResponderTests
{
    private const string Name = "0f1a6b58-54d4-4c4b-9d46-2c4bd6c5b7e1.local";
    private static readonly IPAddress V4 = IPAddress.Parse("198.18.0.7"), V6 = IPAddress.Parse("2001:db8::7");

    private static IPAddress? Known(string name) => name.Equals(Name, StringComparison.OrdinalIgnoreCase) ? V4 : null;

    [Fact]
    public void LegacyQuery_IsAnsweredByUnicast_EchoingItsIdAndQuestion()
    {
        var query = MdnsMessage.BuildQuery(Name, MdnsMessage.TypeA);
        BinaryPrimitives.WriteUInt16BigEndian(query, 0x1234);
        var source = new IPEndPoint(IPAddress.Parse("198.18.0.8"), 40000);

        var reply = Assert.Single(MulticastDnsResponder.Answer(query, source, Known));
        Assert.Equal(source, reply.To);
        Assert.Equal(V4, reply.Address);
        Assert.Equal(0x1234, BinaryPrimitives.ReadUInt16BigEndian(reply.Data));
        Assert.Equal(1, BinaryPrimitives.ReadUInt16BigEndian(reply.Data.AsSpan(4)));   // the question, echoed
        var answer = Assert.Single(MdnsMessage.ParseAnswers(reply.Data, Name));
        Assert.Equal((V4, 120u), answer);
        // §6.7: no cache-flush bit toward a legacy querier.
        Assert.DoesNotContain(Windows(reply.Data, 4), w => w.SequenceEqual(new byte[] { 0, 1, 0x80, 1 }));
    }

    [Fact]
    public void MulticastQuery_IsAnsweredToTheGroup_QuQueryToTheQuerier()
    {
        var qm = MdnsMessage.BuildQuery(Name.ToUpperInvariant(), MdnsMessage.TypeA);
        qm[^2] &= 0x7F;   // QM: multicast answer wanted
        var source = new IPEndPoint(IPAddress.Parse("198.18.0.8"), 5353);
        var reply = Assert.Single(MulticastDnsResponder.Answer(qm, source, Known));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("224.0.0.251"), 5353), reply.To);
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(reply.Data));              // ID 0 (§18.1)
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(reply.Data.AsSpan(4)));   // no question
        Assert.Equal(V4, Assert.Single(MdnsMessage.ParseAddresses(reply.Data, Name)));

        var qu = MdnsMessage.BuildQuery(Name, MdnsMessage.TypeA);
        Assert.Equal(source, Assert.Single(MulticastDnsResponder.Answer(qu, source, Known)).To);
    }

    [Fact]
    public void OtherFamily_GetsAnNsecOnly_OtherNamesAndResponsesNothing()
    {
        var source = new IPEndPoint(IPAddress.Parse("198.18.0.8"), 40000);
        var reply = Assert.Single(MulticastDnsResponder.Answer(MdnsMessage.BuildQuery(Name, MdnsMessage.TypeAaaa), source, Known));
        Assert.Empty(MdnsMessage.ParseAnswers(reply.Data, Name));
        Assert.Equal(1, BinaryPrimitives.ReadUInt16BigEndian(reply.Data.AsSpan(6)));   // one answer: the NSEC
        Assert.Contains(Windows(reply.Data, 2), w => w.SequenceEqual(new byte[] { 0, (byte)MdnsMessage.TypeNsec }));
        // The bitmap names A (type 1: bit 1 of the first byte) and nothing else.
        Assert.Equal(new byte[] { 0, 4, 0x40, 0, 0, 0 }, reply.Data[^6..]);

        Assert.Empty(MulticastDnsResponder.Answer(MdnsMessage.BuildQuery("other.local", MdnsMessage.TypeA), source, Known));
        Assert.Empty(MulticastDnsResponder.Answer(reply.Data, source, Known));
        Assert.Empty(MulticastDnsResponder.Answer(new byte[] { 1, 2, 3 }, source, Known));
    }

    [Fact]
    public void Response_RoundTrips_BothFamilies()
    {
        foreach (var address in new[] { V4, V6 })
        {
            var type = address.Equals(V4) ? MdnsMessage.TypeA : MdnsMessage.TypeAaaa;
            var data = MdnsMessage.BuildResponse(7, Name, type, address, 120, legacy: false);
            Assert.Equal((address, 120u), Assert.Single(MdnsMessage.ParseAnswers(data, Name)));
            Assert.Null(MdnsMessage.ParseQuery(data, out _));
        }
        var questions = MdnsMessage.ParseQuery(MdnsMessage.BuildQuery(Name, MdnsMessage.TypeAaaa), out var id);
        Assert.Equal(0, id);
        Assert.Equal(new MdnsQuestion(Name, MdnsMessage.TypeAaaa, true), Assert.Single(questions!));
    }

    [Fact]
    public void Publish_RejectsNamesOutsideLocal() =>
        Assert.Throws<ArgumentException>(() => new MulticastDnsResponder().Publish("example.com", V4));

    [Fact]
    public void Garbage_NeverThrows()
    {
        var random = new Random(5);
        var source = new IPEndPoint(IPAddress.Parse("198.18.0.8"), 5353);
        for (int i = 0; i < 20_000; i++)
        {
            var junk = new byte[random.Next(0, 80)];
            random.NextBytes(junk);
            if (junk.Length > 3) junk[2] &= 0x07;
            MulticastDnsResponder.Answer(junk, source, Known);
        }
    }

    private static IEnumerable<byte[]> Windows(byte[] data, int size)
    {
        for (int i = 0; i + size <= data.Length; i++) yield return data[i..(i + size)];
    }
}
