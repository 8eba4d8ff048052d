using System.Net;
using WebRtcPS.Engine.Turn;
using Xunit.Abstractions;

namespace WebRtcPS.Engine.Tests.Turn;

/// <summary>300 (Try Alternate) with ALTERNATE-SERVER, from a coturn configured with
/// alternate-server pointing at a second coturn: followed once.</summary>
public sealed class CoturnAlternateServerTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [SkippableTheory]
    [InlineData("udp")]
    [InlineData("tcp")]
    public async Task AllocateFollowsTryAlternateOnce(string transport)
    {
        Interop.Require(CoturnServer.Binary is not null && CoturnServer.OpenSsl is not null, "turnserver (coturn) or openssl is not on PATH");
        await using var target = await CoturnServer.StartAsync();
        await using var redirector = await CoturnServer.StartAsync(new CoturnSettings { AlternateServer = target.EndPoint });
        var uri = transport == "udp" ? redirector.UdpUri : redirector.TcpUri;

        await using var client = await TurnClient.AllocateAsync(redirector.Options(uri)).WaitAsync(Generous);
        output.WriteLine($"redirected from {client.RedirectedFrom} to {client.ServerEndPoint}; relayed {client.RelayedAddress}");
        Assert.Equal(redirector.EndPoint, client.RedirectedFrom);
        Assert.Equal(target.EndPoint, client.ServerEndPoint);
        Assert.Equal(IPAddress.Loopback, client.RelayedAddress.Address);

        var refused = await Assert.ThrowsAsync<TurnException>(() => TurnClient.AllocateAsync(redirector.Options(uri) with { FollowAlternateServer = false }).WaitAsync(Generous));
        Assert.Equal(300, refused.ErrorCode);
        Assert.Equal(TurnError.AllocationRefused, refused.Error);
    }
}
