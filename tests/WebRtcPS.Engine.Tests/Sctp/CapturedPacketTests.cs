using WebRtcPS.Engine.DataChannels;
using WebRtcPS.Engine.Sctp;

namespace WebRtcPS.Engine.Tests.Sctp;

/// <summary>Packets captured from Chrome and pion, as published in pion/sctp's tests (chunk_test.go,
/// packet_test.go): they must parse with a valid checksum and re-encode to the same bytes.</summary>
public class CapturedPacketTests
{
    private const string ChromeInit =
        "1388138800000000BCB345A201000056CE1579A20002000004000800945795C0C000000480080009C00FC18082000000" +
        "80020024FF5C49194A94E82AEC585562291F8E23CD7CE846BA581B3DABD77E50F241B12E800400060001000080030006" +
        "80C10000";
    private const string ChromeInitAck =
        "13881388CE1579A2B5DB2D93020001909BD5B36F0002000004000800EFB47287C000000480080009C00FC18082000000" +
        "800200242EF99C106372ED0D33C2DC7F9FD7EF1BC9C4A7419A07686B66FB6A4E325DE425800400060001000080030006" +
        "80C10000000701384B414D452D42534420312E31000000009C1E495B00000000D24206000000000060EA0000C4133DE9" +
        "86B18575A27915CE9BD5B36F20E09F89E027000000000000000000000400000020E09F89E02700000000000000000000" +
        "04000000000000001388138800000100010101000000000001000056CE1579A20002000004000800945795C0C0000004" +
        "80080009C00FC1808200000080020024FF5C49194A94E82AEC585562291F8E23CD7CE846BA581B3DABD77E50F241B12E" +
        "80040006000100008003000680C10000020001909BD5B36F0002000004000800EFB47287C000000480080009C00FC180" +
        "82000000800200242EF99C106372ED0D33C2DC7F9FD7EF1BC9C4A7419A07686B66FB6A4E325DE4258004000600010000" +
        "8003000680C10000CA0C2111CEF4FCB366994FDB4F956B6F3BB1DB5A";
    private const string PionInit =
        "138813880000000081469DFC0100005655B964A50002000004000800E86D1030C000000480080009C00FC18082000000" +
        "800200249FEBBB5C50C9BF759CB12C574FA45A51BA60177827945C31E65D5B0947E22206800400060001000080030006" +
        "80C10000";
    private const string CookieEchoAndDcepOpen =
        "13881388FCD63FC6BEFADC520A0000249B287E48A37BC183C44B4104A4F7ED4C9362C349000000000000000000000000" +
        "0003001FA879A1C70001000000000032030000000000000000030000666F6F00";
    private const string Sack =
        "13881388C298980F4231EA78030000148773BDA40001FE740001000000020002";
    private const string Reconfig =
        "13881388B6A512E5753B12D382000016000D00124E1CB9E63A748DFF4E1CB9E600010000";

    private static SctpPacket ParseAndRoundTrip(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        Assert.True(SctpPacket.ChecksumMatches(bytes));
        Assert.True(SctpPacket.TryParse(bytes, out var packet));
        Assert.Equal(hex, Convert.ToHexString(packet.ToArray()));
        Assert.Equal(5000, packet.SourcePort);
        Assert.Equal(5000, packet.DestinationPort);
        return packet;
    }

    [Fact]
    public void ChromeInitParsesAndRoundTrips()
    {
        var packet = ParseAndRoundTrip(CapturedPacketTests.ChromeInit);
        Assert.Equal(0u, packet.VerificationTag);
        var init = Assert.IsType<InitChunk>(Assert.Single(packet.Chunks)).Body;
        Assert.Equal(0xCE1579A2u, init.InitiateTag);
        Assert.Equal(131072u, init.ARwnd);
        Assert.Equal(1024, init.OutboundStreams);
        Assert.Equal(2048, init.InboundStreams);
        Assert.Equal(0x945795C0u, init.InitialTsn);
        Assert.NotNull(init.Find<ForwardTsnSupportedParameter>());
        var extensions = init.Find<SupportedExtensionsParameter>()!;
        Assert.True(extensions.Supports(ChunkType.ForwardTsn));
        Assert.True(extensions.Supports(ChunkType.ReConfig));
        // AUTH's Random, Chunk List and HMAC-Algorithm parameters (RFC 4895) are kept as unknown, skip-and-continue.
        Assert.Equal(3, init.Parameters.OfType<UnknownParameter>().Count());
        Assert.All(init.Parameters.OfType<UnknownParameter>(), p => Assert.True(p.ShouldSkip));
    }

    [Fact]
    public void ChromeInitAckParsesAndRoundTrips()
    {
        var packet = ParseAndRoundTrip(CapturedPacketTests.ChromeInitAck);
        var initAck = Assert.IsType<InitAckChunk>(Assert.Single(packet.Chunks)).Body;
        Assert.Equal(0x9BD5B36Fu, initAck.InitiateTag);
        Assert.Equal(308, initAck.Find<StateCookieParameter>()!.Cookie.Length);
    }

    [Fact]
    public void PionInitParsesAndRoundTrips()
    {
        var init = Assert.IsType<InitChunk>(Assert.Single(ParseAndRoundTrip(CapturedPacketTests.PionInit).Chunks)).Body;
        Assert.Equal(1438213285u, init.InitiateTag);
        Assert.Equal(131072u, init.ARwnd);
        Assert.Equal(1024, init.OutboundStreams);
        Assert.Equal(2048, init.InboundStreams);
        Assert.Equal(3899461680u, init.InitialTsn);
    }

    [Fact]
    public void CookieEchoBundledWithDcepOpen()
    {
        var packet = ParseAndRoundTrip(CapturedPacketTests.CookieEchoAndDcepOpen);
        Assert.IsType<CookieEchoChunk>(packet.Chunks[0]);
        var data = Assert.IsType<DataChunk>(packet.Chunks[1]);
        Assert.Equal(0xA879A1C7u, data.Tsn);
        Assert.Equal(1, data.StreamId);
        Assert.True(data.Beginning && data.Ending && !data.Unordered);
        Assert.Equal((uint)DataChannelPpid.Dcep, data.Ppid);
        Assert.True(DataChannelOpenMessage.TryParse(data.UserData.Span, out var open));
        Assert.Equal("foo", open.Label);
        Assert.Equal("", open.Protocol);
        Assert.Equal(DataChannelType.Reliable, open.ChannelType);
    }

    [Fact]
    public void SackWithOneGapBlock()
    {
        var sack = Assert.IsType<SackChunk>(Assert.Single(ParseAndRoundTrip(CapturedPacketTests.Sack).Chunks));
        Assert.Equal(0x8773BDA4u, sack.CumulativeTsnAck);
        Assert.Equal(0x0001FE74u, sack.ARwnd);
        Assert.Equal([new GapAckBlock(2, 2)], sack.GapAckBlocks);
        Assert.Empty(sack.DuplicateTsns);
    }

    [Fact]
    public void OutgoingResetRequestForStreamOne()
    {
        var reconfig = Assert.IsType<ReConfigChunk>(Assert.Single(ParseAndRoundTrip(CapturedPacketTests.Reconfig).Chunks));
        var request = Assert.IsType<OutgoingSsnResetRequestParameter>(Assert.Single(reconfig.Parameters));
        Assert.Equal(0x4E1CB9E6u, request.RequestSequence);
        Assert.Equal(0x3A748DFFu, request.ResponseSequence);
        Assert.Equal(0x4E1CB9E6u, request.SenderLastTsn);
        Assert.Equal(new ushort[] { 1 }, request.Streams);
    }

    [Fact]
    public void OurCoreAnswersChromesInit()
    {
        var core = new SctpAssociationCore(new SctpAssociationOptions(), 1200, new ManualTimeProvider());
        Assert.True(SctpPacket.TryParse(Convert.FromHexString(CapturedPacketTests.ChromeInit), out var init));
        var reply = Assert.Single(core.HandlePacket(init));
        Assert.Equal(0xCE1579A2u, reply.VerificationTag);
        var initAck = Assert.IsType<InitAckChunk>(Assert.Single(reply.Chunks)).Body;
        Assert.NotNull(initAck.Find<StateCookieParameter>());
        Assert.NotNull(initAck.Find<ForwardTsnSupportedParameter>());
        Assert.Equal(AssociationState.Closed, core.State);    // stateless until COOKIE-ECHO
    }
}
