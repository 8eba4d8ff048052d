using WebRtcPS.Signaling.Peers;

namespace WebRtcPS.Engine.Tests.Peers;

public class ConnectivityTestTests
{
    [Fact]
    public async Task ALocalCheckConnectsTwoPeersSignalingInMemory()
    {
        // The URI is the template's and not used: nothing listens there.
        var template = new SeedPeerOptions { SignalingUri = new Uri("http://127.0.0.1:9/"), Configuration = SeedPeerTests.LoopbackOnly };

        var result = await ConnectivityTest.RunLocalAsync(template, TimeSpan.FromSeconds(30));

        Assert.True(result.Success, result.Error);
        Assert.Equal("udp", result.Protocol);
        Assert.StartsWith("host 127.0.0.1:", result.LocalCandidate);
        Assert.NotNull(result.SetupMs);
        Assert.NotNull(result.DtlsMs);
    }
}
