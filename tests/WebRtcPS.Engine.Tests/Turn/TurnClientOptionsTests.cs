using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.Turn;

namespace WebRtcPS.Engine.Tests.Turn;

/// <summary>TurnClientOptions are TurnSettings plus one server: built from W3C ICE servers in one place.</summary>
public sealed class TurnClientOptionsTests
{
    [Fact]
    public void FromIceServer_makes_one_client_per_TURN_URL_with_the_server_credential_and_the_settings()
    {
        var settings = new TurnSettings { SkipCertificateCheck = true, AllocateTimeout = TimeSpan.FromSeconds(3) };
        var server = new RTCIceServer { Urls = ["stun:127.0.0.1", "turn:127.0.0.1?transport=tcp", "turns:[::1]:443"], Username = "u", Credential = "p" };

        var options = TurnClientOptions.FromIceServer(server, settings).ToList();

        Assert.Equal(["turn:127.0.0.1:3478?transport=tcp", "turns:[::1]:443"], options.Select(o => o.Server.ToString()));
        Assert.All(options, o =>
        {
            Assert.Equal(("u", "p"), (o.Username, o.Password));
            Assert.True(o.SkipCertificateCheck);
            Assert.Equal(TimeSpan.FromSeconds(3), o.AllocateTimeout);
            o.Validate();
        });
        Assert.Throws<FormatException>(() => TurnClientOptions.FromIceServer(server with { Urls = ["http://x"] }).ToList());
    }

    [Fact]
    public void Settings_taken_from_another_client_carry_none_of_its_server()
    {
        var other = new TurnClientOptions(IceServerUri.Parse("turn:10.0.0.1"), new TurnSettings { UseChannels = false })
        {
            Username = "u",
            Password = "p",
            TlsTargetHost = "elsewhere",
        };
        var mine = new TurnClientOptions(IceServerUri.Parse("turn:127.0.0.1"), other);
        Assert.Equal("turn:127.0.0.1:3478", mine.Server.ToString());
        Assert.False(mine.UseChannels);
        Assert.Null(mine.Username);
        Assert.Null(mine.TlsTargetHost);
    }

    [Fact]
    public void FromIceServers_skips_STUN_only_servers()
    {
        var source = TurnRelaySource.FromIceServers([new RTCIceServer { Urls = ["stun:127.0.0.1"] }]);
        Assert.Empty(source.Servers);
    }
}
