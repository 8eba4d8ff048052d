using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.PeerConnection;
using WebRtcPS.Engine.Tests.PeerConnection;
using WebRtcPS.Engine.Tests.Turn;
using Xunit.Abstractions;

namespace WebRtcPS.Engine.Tests.Relay;

/// <summary>Two coturns, each accepting only its own user: a configuration naming both.</summary>
public sealed class TwoCoturnsFixture : IAsyncLifetime
{
    internal CoturnServer? Alice { get; private set; }
    internal CoturnServer? Bob { get; private set; }
    public string? Unavailable { get; private set; }

    public async Task InitializeAsync()
    {
        if (CoturnServer.Binary is null) Unavailable = "turnserver (coturn) is not on PATH";
        else if (CoturnServer.OpenSsl is null) Unavailable = "openssl is not on PATH";
        else
        {
            Alice = await CoturnServer.StartAsync();
            Bob = await CoturnServer.StartAsync(new CoturnSettings { User = "bob", Password = "bobs-own-secret" });
        }
    }

    public async Task DisposeAsync()
    {
        if (Alice is not null) await Alice.DisposeAsync();
        if (Bob is not null) await Bob.DisposeAsync();
    }

    internal (CoturnServer Alice, CoturnServer Bob) Require()
    {
        Interop.Require(Alice is not null && Bob is not null, Unavailable ?? "coturn did not start");
        return (Alice!, Bob!);
    }
}

/// <summary>
/// TURN from the W3C configuration alone: turn: URLs in <see cref="RTCConfiguration.IceServers"/>,
/// each server with its own credential, gather relayed candidates through real coturns (no relay
/// source handed in), and one server's failure does not stop the other's.
/// </summary>
public sealed class RelayIceServerTests(TwoCoturnsFixture fixture, ITestOutputHelper output) : IClassFixture<TwoCoturnsFixture>
{
    private static RTCConfiguration Config(CoturnServer settingsFrom, params RTCIceServer[] servers) => PeerTestKit.Loopback() with
    {
        IceServers = servers,
        Turn = settingsFrom.ClientSettings,
    };

    /// <summary>Gathers to the end; the candidates with the URL each came from, and the ICE candidate errors.</summary>
    private async Task<(List<(RTCIceCandidate Candidate, string? Url)> Candidates, List<IceCandidateErrorEvent> Errors)> GatherAsync(RTCConfiguration config)
    {
        await using var pc = new RTCPeerConnection(config);
        var candidates = new List<(RTCIceCandidate, string?)>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pc.OnIceCandidate += (_, e) =>
        {
            if (e.Candidate is { } c) lock (candidates) candidates.Add((c, e.Url));
            else done.TrySetResult();
        };
        pc.CreateDataChannel("x");
        pc.SetLocalDescription();
        await done.Task.WaitAsync(PeerTestKit.Patience);
        var errors = new List<IceCandidateErrorEvent>();
        while (pc.Events.TryRead(out var e))
        {
            if (e is PeerConnectionIceEvent { Ice: IceCandidateErrorEvent error }) errors.Add(error);
        }
        lock (candidates)
        {
            foreach (var (c, url) in candidates) output.WriteLine($"{c.Type} {c.Address}:{c.Port} from {url ?? "(host)"}");
            foreach (var error in errors) output.WriteLine($"error {error.Url}: {error.ErrorText}");
            return ([.. candidates], errors);
        }
    }

    [SkippableFact]
    public async Task Two_turn_servers_with_their_own_credentials_both_allocate()
    {
        var (alice, bob) = fixture.Require();
        var aliceServer = alice.IceServer(alice.UdpUri);
        var bobServer = bob.IceServer(bob.TcpUri);
        Assert.NotEqual(aliceServer.Credential, bobServer.Credential);

        var (candidates, errors) = await GatherAsync(Config(alice, aliceServer, bobServer));

        var relayed = candidates.Where(c => c.Candidate.Type == RTCIceCandidateType.Relay).ToList();
        Assert.Equal(2, relayed.Count);
        Assert.Contains(relayed, c => c.Url == alice.UdpUri.ToString());
        Assert.Contains(relayed, c => c.Url == bob.TcpUri.ToString());
        Assert.Contains(candidates, c => c.Candidate.Type == RTCIceCandidateType.Host);
        Assert.Empty(errors);
    }

    [SkippableFact]
    public async Task A_wrong_credential_on_one_server_does_not_stop_the_other()
    {
        var (alice, bob) = fixture.Require();
        var wrong = alice.IceServer(alice.UdpUri, password: "not-alices-password");

        var (candidates, errors) = await GatherAsync(Config(alice, wrong, bob.IceServer(bob.UdpUri)) with
        {
            IceTransportPolicy = RTCIceTransportPolicy.Relay,
        });

        var relayed = Assert.Single(candidates);
        Assert.Equal(RTCIceCandidateType.Relay, relayed.Candidate.Type);
        Assert.Equal(bob.UdpUri.ToString(), relayed.Url);
        var error = Assert.Single(errors);
        Assert.Equal(alice.UdpUri.ToString(), error.Url);
        Assert.Contains("Authentication failed", error.ErrorText);
    }

    [SkippableFact]
    public async Task A_relay_only_pair_connects_through_servers_given_only_as_IceServers()
    {
        var (alice, bob) = fixture.Require();
        var offerer = Config(alice, alice.IceServer(alice.UdpUri)) with { IceTransportPolicy = RTCIceTransportPolicy.Relay };
        var answerer = Config(bob, bob.IceServer(bob.TcpUri)) with { IceTransportPolicy = RTCIceTransportPolicy.Relay };
        await using var pair = await PeerTestKit.ConnectAsync(offererConfig: offerer, answererConfig: answerer);
        await RelayPeerConnectionTests.AssertRelayPairAsync(pair.Offerer);
        await RelayPeerConnectionTests.AssertRelayPairAsync(pair.Answerer);
        pair.OffererChannel.Send("Hello from the Offerer!");
        Assert.Equal("Hello from the Offerer!", await pair.AnswererSink.NextTextAsync());
    }
}
