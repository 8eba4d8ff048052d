using System.Reflection;
using WebRtcPS.Engine.Dtls;

namespace WebRtcPS.Engine.Tests.PeerConnection;

/// <summary>Over real ICE (loopback UDP), DTLS receives inline on ICE's receive thread by default,
/// and with <see cref="DtlsSettings.InlineReceive"/> false through its own thread; messages flow both ways either way.
/// (BouncyCastle's transport: ours has no thread of its own and always receives on ICE's.)</summary>
public sealed class PeerConnectionInlineReceiveTests
{
    private static DtlsTransport Dtls(Engine.PeerConnection.RTCPeerConnection pc) =>
        (DtlsTransport)typeof(Engine.PeerConnection.RTCPeerConnection)
            .GetField("_dtls", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(pc)!;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task MessagesFlowWithEitherReceivePath(bool inline)
    {
        var config = PeerTestKit.Loopback() with { Dtls = new DtlsSettings { InlineReceive = inline, Implementation = DtlsImplementation.BouncyCastle } };
        await using var pair = await PeerTestKit.ConnectAsync(offererConfig: config, answererConfig: config);
        for (var i = 0; i < 50; i++)
        {
            pair.OffererChannel.Send($"o{i}");
            pair.AnswererChannel.Send($"a{i}");
        }
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal($"o{i}", await pair.AnswererSink.NextTextAsync());
            Assert.Equal($"a{i}", await pair.OffererSink.NextTextAsync());
        }
        Assert.Equal(inline, Dtls(pair.Offerer).IsInline);
        Assert.Equal(inline, Dtls(pair.Answerer).IsInline);
        Assert.Equal(0, Dtls(pair.Offerer).RecordsDropped);
    }
}
