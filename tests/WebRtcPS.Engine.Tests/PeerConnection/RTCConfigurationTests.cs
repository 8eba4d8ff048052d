using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.PeerConnection;
using WebRtcPS.Engine.Sctp;
using WebRtcPS.Engine.Turn;

namespace WebRtcPS.Engine.Tests.PeerConnection;

/// <summary>RTCConfiguration.Validate names the property at fault (the layer's, then the layer's own
/// property in the message), and the peer connection derives each layer's options from it.</summary>
public sealed class RTCConfigurationTests
{
    private static ArgumentException Invalid(RTCConfiguration config) => Assert.ThrowsAny<ArgumentException>(() => config.Validate());

    private static readonly RTCIceServer Turn = new() { Urls = ["turn:127.0.0.1:3478"], Username = "u", Credential = "p" };

    [Fact]
    public void The_defaults_are_valid_and_ICE_starts_from_the_fast_peer_connection_timers()
    {
        var config = new RTCConfiguration().Validate();
        Assert.Equal(TimeSpan.FromMilliseconds(10), config.Ice.Ta);
        Assert.True(config.Ice.NominateWithoutPacing);
        Assert.Equal(262144, config.Sctp.MaxMessageSize);
        Assert.Equal(DtlsSettings.DefaultHandshakeTimeout, config.Dtls.HandshakeTimeout);
    }

    [Fact]
    public void Servers_go_in_IceServers_not_in_the_ICE_options()
    {
        var e = Invalid(new RTCConfiguration { Ice = RTCConfiguration.DefaultIce with { IceServers = ["stun:127.0.0.1"] } });
        Assert.Equal("Ice", e.ParamName);
        Assert.Contains("IceServers", e.Message);
        e = Invalid(new RTCConfiguration { Ice = RTCConfiguration.DefaultIce with { RelaySource = TurnRelaySource.FromIceServers([Turn]) } });
        Assert.Equal("Ice", e.ParamName);
        Assert.Contains("turn:", e.Message);
        e = Invalid(new RTCConfiguration { Ice = RTCConfiguration.DefaultIce with { LocalParameters = RTCIceParameters.Generate() } });
        Assert.Equal("Ice", e.ParamName);
    }

    [Fact]
    public void A_layer_error_names_the_layer_and_its_property()
    {
        var e = Invalid(new RTCConfiguration { Ice = RTCConfiguration.DefaultIce with { ConsentTimeout = TimeSpan.FromSeconds(1) } });
        Assert.Equal("Ice", e.ParamName);
        Assert.StartsWith("Ice.ConsentTimeout:", e.Message);
        e = Invalid(new RTCConfiguration { Turn = new TurnSettings { SkipCertificateCheck = true, CertificateValidationCallback = (_, _, _, _) => true } });
        Assert.Equal("Turn", e.ParamName);
        Assert.StartsWith("Turn.SkipCertificateCheck:", e.Message);
        e = Invalid(new RTCConfiguration { Dtls = new DtlsSettings { HandshakeTimeout = TimeSpan.Zero } });
        Assert.Equal("Dtls", e.ParamName);
        Assert.StartsWith("Dtls.HandshakeTimeout:", e.Message);
        e = Invalid(new RTCConfiguration { Sctp = new SctpAssociationOptions { RtoMin = TimeSpan.Zero } });
        Assert.Equal("Sctp", e.ParamName);
        e = Invalid(new RTCConfiguration { Sctp = new SctpAssociationOptions { MaxMessageSize = 100 } });
        Assert.Equal("Sctp", e.ParamName);
        Assert.Contains("MaxMessageSize", e.Message);
    }

    [Fact]
    public void A_TURN_URL_error_names_its_server()
    {
        var e = Invalid(new RTCConfiguration { IceServers = [Turn, new RTCIceServer { Urls = ["turns:127.0.0.1:5349"], Username = "u" }] });
        Assert.Equal("IceServers", e.ParamName);
        Assert.StartsWith("IceServers[1]:", e.Message);
        Assert.Contains("Credential", e.Message);
        e = Invalid(new RTCConfiguration { IceServers = [Turn with { Urls = ["turns:127.0.0.1:5349?transport=udp"] }] });
        Assert.Equal("IceServers", e.ParamName);
        Assert.StartsWith("IceServers[0]:", e.Message);
        Assert.Contains("transport=udp", e.Message);
    }

    [Fact]
    public void The_agent_gets_the_STUN_URLs_one_TURN_client_per_URL_with_its_server_credential_and_the_relay_policy()
    {
        var config = (PeerTestKit.Loopback(ice => ice with { EnableTcp = true }) with
        {
            IceServers =
            [
                new RTCIceServer { Urls = ["stun:127.0.0.1:3478", "turn:127.0.0.1:3478"], Username = "alice", Credential = "a" },
                new RTCIceServer { Urls = ["turns:127.0.0.1:5349"], Username = "bob", Credential = "b" },
            ],
            Turn = new TurnSettings { SkipCertificateCheck = true },
        }).Validate();
        var relay = Assert.IsType<TurnRelaySource>(RTCPeerConnection.RelaySourceFor(config));
        Assert.Collection(relay.Servers,
            a => Assert.Equal(("turn:127.0.0.1:3478", "alice", "a", true), (a.Server.ToString(), a.Username, a.Password, a.SkipCertificateCheck)),
            b => Assert.Equal(("turns:127.0.0.1:5349", "bob", "b", true), (b.Server.ToString(), b.Username, b.Password, b.SkipCertificateCheck)));

        var local = RTCIceParameters.Generate();
        var all = RTCPeerConnection.IceOptions(config, RTCIceRole.Controlled, local, relay);
        Assert.Equal((RTCIceRole.Controlled, local, relay), (all.Role, all.LocalParameters, (TurnRelaySource?)all.RelaySource));
        Assert.Equal(["stun:127.0.0.1:3478"], all.IceServers);
        Assert.True(all.IncludeLoopback && all.EnableTcp);
        Assert.Equal(config.Ice.Ta, all.Ta);

        var relayOnly = RTCPeerConnection.IceOptions(config with { IceTransportPolicy = RTCIceTransportPolicy.Relay }, RTCIceRole.Controlling, local, relay);
        Assert.Empty(relayOnly.IceServers);
        Assert.False(relayOnly.IncludeLoopback || relayOnly.EnableTcp);
        Assert.False(relayOnly.InterfaceFilter!(new IceNetworkAddress(System.Net.IPAddress.Loopback, "lo", true)));
        Assert.Null(RTCPeerConnection.RelaySourceFor(new RTCConfiguration { IceServers = [new RTCIceServer { Urls = ["stun:127.0.0.1"] }] }));
    }
}
