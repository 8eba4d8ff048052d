using WebRtcPS.Engine.DataChannels;
using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.PeerConnection;
using WebRtcPS.Engine.Sdp;
using WebRtcPS.Signaling;
using WebRtcPS.Signaling.Client;
using WebRtcPS.Signaling.Server;
using Xunit.Abstractions;

namespace WebRtcPS.Engine.Tests.PeerConnection;

/// <summary>The JSEP state machine, its W3C errors, and connections that must fail with a clear reason.</summary>
public sealed class PeerConnectionNegotiationTests(ITestOutputHelper output)
{
    private readonly ITestOutputHelper _output = output;

    [Fact]
    public async Task Signaling_states_follow_JSEP_and_wrong_calls_throw_W3C_errors()
    {
        await using var offerer = new RTCPeerConnection(PeerTestKit.Loopback());
        await using var answerer = new RTCPeerConnection(PeerTestKit.Loopback());
        var states = new List<RTCSignalingState>();
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        offerer.OnSignalingStateChange += (_, s) =>
        {
            lock (states) states.Add(s);
            if (s == RTCSignalingState.Stable) changed.TrySetResult();
        };

        Assert.Throws<InvalidStateError>(() => offerer.CreateAnswer());
        Assert.Throws<InvalidStateError>(() => offerer.AddIceCandidate("candidate:1 1 udp 2130706431 127.0.0.1 9 typ host"));
        var offer = offerer.CreateOffer();
        Assert.Contains("a=setup:actpass", offer.Sdp);
        Assert.Contains("a=max-message-size:262144", offer.Sdp);
        Assert.Throws<InvalidStateError>(() => offerer.SetRemoteDescription(new RTCSessionDescription(RTCSdpType.Answer, offer.Sdp)));
        var tampered = new RTCSessionDescription(RTCSdpType.Offer, offer.Sdp.Replace("a=ice-pwd:", "a=ice-pwd:X", StringComparison.Ordinal));
        Assert.Throws<InvalidModificationError>(() => offerer.SetLocalDescription(tampered));
        Assert.Throws<OperationError>(() => offerer.SetLocalDescription(new RTCSessionDescription(RTCSdpType.Rollback, null)));
        offerer.SetLocalDescription(offer);
        Assert.Equal(RTCSignalingState.HaveLocalOffer, offerer.SignalingState);
        Assert.Throws<InvalidStateError>(() => offerer.SetRemoteDescription(new RTCSessionDescription(RTCSdpType.Offer, offer.Sdp)));

        var bad = Assert.Throws<OperationError>(() => answerer.SetRemoteDescription(new RTCSessionDescription(RTCSdpType.Offer, "v=0\r\nthis is not sdp\r\n")));
        Assert.Equal("OperationError", bad.Name);
        Assert.Equal(RTCSignalingState.Stable, answerer.SignalingState);
        answerer.SetRemoteDescription(offer);
        Assert.Equal(RTCSignalingState.HaveRemoteOffer, answerer.SignalingState);
        Assert.Throws<InvalidStateError>(() => answerer.CreateOffer());
        Assert.Throws<OperationError>(() => answerer.AddIceCandidate("candidate:garbage"));
        Assert.Throws<OperationError>(() => answerer.AddIceCandidate(new RTCIceCandidateInit("candidate:1 1 udp 2130706431 127.0.0.1 9 typ host", "other-mid")));
        var answer = answerer.CreateAnswer();
        Assert.Contains("a=setup:active", answer.Sdp);
        answerer.SetLocalDescription(answer);
        Assert.Equal(RTCSignalingState.Stable, answerer.SignalingState);

        var actpassAnswer = new RTCSessionDescription(RTCSdpType.Answer, answer.Sdp.Replace("a=setup:active", "a=setup:actpass", StringComparison.Ordinal));
        Assert.Throws<InvalidAccessError>(() => offerer.SetRemoteDescription(actpassAnswer));
        offerer.SetRemoteDescription(answer);
        await changed.Task.WaitAsync(PeerTestKit.Patience);
        lock (states) Assert.Equal([RTCSignalingState.HaveLocalOffer, RTCSignalingState.Stable], states);
        offerer.AddIceCandidate((RTCIceCandidateInit?)null);   // end-of-candidates is accepted once there is a remote description
    }

    [Fact]
    public void Configuration_validation_names_the_bad_property()
    {
        var e = Assert.Throws<ArgumentException>(() => new RTCConfiguration { IceServers = [new RTCIceServer { Urls = ["http://x"] }] }.Validate());
        Assert.Equal("IceServers", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => new RTCConfiguration { IceServers = [new RTCIceServer { Urls = ["turn:127.0.0.1:3478"] }] }.Validate());
        Assert.Contains("Username", e.Message);
        e = Assert.Throws<ArgumentException>(() => new RTCConfiguration { Ice = RTCConfiguration.DefaultIce with { Ta = TimeSpan.Zero } }.Validate());
        Assert.Equal("Ice", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RTCConfiguration { Sctp = new() { MaxMessageSize = 10 } }.Validate());
        new RTCConfiguration { IceServers = [new RTCIceServer { Urls = ["stun:127.0.0.1:3478", "turn:127.0.0.1:3478?transport=tcp"], Username = "u", Credential = "p" }] }.Validate();
    }

    [Fact]
    public async Task A_tampered_fingerprint_fails_the_connection_with_a_clear_reason()
    {
        await using var offerer = new RTCPeerConnection(PeerTestKit.Loopback());
        await using var answerer = new RTCPeerConnection(PeerTestKit.Loopback());
        var channel = offerer.CreateDataChannel("testChannel");
        var other = RTCCertificate.Generate().GetFingerprints()[0];
        await using var relay = InMemorySignaling.Start(offerer, answerer, m => m.Type == SignalingMessage.Answer
            ? m with { Content = System.Text.RegularExpressions.Regex.Replace(m.Content, "a=fingerprint:[^\r\n]*", "a=fingerprint:" + other) }
            : m);
        var state = await offerer.WaitForConnectionStateAsync(s => s is RTCPeerConnectionState.Failed or RTCPeerConnectionState.Connected).WaitAsync(PeerTestKit.Patience);
        Assert.Equal(RTCPeerConnectionState.Failed, state);
        Assert.Contains("FingerprintMismatch", offerer.FailureReason);
        Assert.Equal(RTCDtlsTransportState.Failed, offerer.DtlsState);
        await PeerTestKit.WhenClosed(channel);
        var answererState = await answerer.WaitForConnectionStateAsync(s => s is RTCPeerConnectionState.Failed or RTCPeerConnectionState.Connected).WaitAsync(PeerTestKit.Patience);
        Assert.Equal(RTCPeerConnectionState.Failed, answererState);
        var diagnostics = await offerer.GetDiagnosticsAsync();
        _output.WriteLine(diagnostics.ToString());
        Assert.Contains("FingerprintMismatch", diagnostics.ToString());
        var error = await Assert.ThrowsAsync<OperationError>(() => offerer.WaitConnectedAsync());
        Assert.Contains("failed", error.Message);
    }

    [Fact]
    public async Task A_silent_remote_times_out_and_the_diagnosis_says_no_answer_came()
    {
        await using var offerer = new RTCPeerConnection(PeerTestKit.Loopback());
        offerer.CreateDataChannel("testChannel");
        offerer.SetLocalDescription();
        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => offerer.WaitConnectedAsync(TimeSpan.FromSeconds(1)));
        Assert.Contains("no remote description", timeout.Message);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => offerer.WaitConnectedAsync(TimeSpan.FromSeconds(30), cancelled.Token));
        Assert.Equal(RTCPeerConnectionState.New, offerer.ConnectionState);
        var diagnostics = await offerer.GetDiagnosticsAsync();
        _output.WriteLine(diagnostics.ToString());
        Assert.False(diagnostics.HasRemoteDescription);
        Assert.Contains("no remote description", diagnostics.ToString());
        Assert.NotNull(diagnostics.Ice);
        Assert.NotEmpty(diagnostics.Ice.LocalCandidates);
    }

    [Fact]
    public async Task A_remote_that_answers_but_never_replies_to_checks_fails_ICE_with_every_pair_explained()
    {
        using var hole = PeerTestKit.BlackHole();
        var port = ((System.Net.IPEndPoint)hole.LocalEndPoint!).Port;
        await using var offerer = new RTCPeerConnection(PeerTestKit.Loopback(ice => ice with { CheckRto = TimeSpan.FromMilliseconds(100), MaxCheckRequests = 3, EndOfCandidatesTimeout = TimeSpan.FromSeconds(1) }));
        await using var mute = new RTCPeerConnection(PeerTestKit.Loopback());
        offerer.CreateDataChannel("testChannel");
        var offer = offerer.SetLocalDescription();
        mute.SetRemoteDescription(offer);
        var answer = mute.CreateAnswer();
        await mute.CloseAsync();
        offerer.SetRemoteDescription(answer);
        offerer.AddIceCandidate($"candidate:1 1 udp 2130706431 127.0.0.1 {port} typ host");
        offerer.AddIceCandidate((string?)null);
        var state = await offerer.WaitForConnectionStateAsync(s => s is RTCPeerConnectionState.Failed or RTCPeerConnectionState.Connected).WaitAsync(PeerTestKit.Patience);
        Assert.Equal(RTCPeerConnectionState.Failed, state);
        Assert.Equal(RTCIceConnectionState.Failed, offerer.IceConnectionState);
        Assert.StartsWith("ICE failed", offerer.FailureReason);
        var text = (await offerer.GetDiagnosticsAsync()).ToString();
        _output.WriteLine(text);
        Assert.Contains($"127.0.0.1:{port}", text);
        Assert.Contains("timeout", text);
    }

    [Fact]
    public async Task Through_a_real_signaling_server_with_candidates_sent_before_the_offer_held_then_applied()
    {
        await using var server = await SignalingServer.StartAsync(new SignalingServerOptions { Port = 0, ListenAddress = System.Net.IPAddress.Loopback });
        using var offererClient = new SignalingClient(server.Url, SeedPeer.OffererId);
        using var answererClient = new SignalingClient(server.Url, SeedPeer.AnswererId);
        await using var offerer = new RTCPeerConnection(PeerTestKit.Loopback());
        await using var answerer = new RTCPeerConnection(PeerTestKit.Loopback());
        var channel = offerer.CreateDataChannel("testChannel");
        var sink = new MessageSink(channel);
        var remote = PeerTestKit.NextRemoteChannel(answerer, "testChannel");
        var held = 0;
        using var cts = PeerTestKit.Timeout();
        var a = SeedPeer.RunAnswererAsync(answerer, m => answererClient.SendAsync(m, cts.Token), answererClient.ReceiveAsync(cts.Token), cts.Token,
            onHeld: p => Interlocked.Increment(ref held));
        var o = SeedPeer.RunOffererAsync(offerer, m => offererClient.SendAsync(m, cts.Token), offererClient.ReceiveAsync(cts.Token), cts.Token,
            candidatesFirst: true);

        await PeerTestKit.WhenOpen(channel);
        var (answererChannel, answererSink) = await remote;
        await PeerTestKit.WhenOpen(answererChannel);
        channel.Send("Hello from the Offerer!");
        answererChannel.Send("Hello from the Answerer!");
        Assert.Equal("Hello from the Offerer!", await answererSink.NextTextAsync());
        Assert.Equal("Hello from the Answerer!", await sink.NextTextAsync());
        Assert.True(held > 0, "the answerer held the candidates that came before the offer");
        await cts.CancelAsync();
        await Task.WhenAll(a, o).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    [Fact]
    public async Task Relay_policy_without_a_relay_source_gathers_nothing_and_says_so()
    {
        await using var pc = new RTCPeerConnection(new RTCConfiguration
        {
            IceTransportPolicy = RTCIceTransportPolicy.Relay,
            Ice = RTCConfiguration.DefaultIce with { IncludeLoopback = true },
            IceServers = [new RTCIceServer { Urls = ["stun:127.0.0.1:9"] }],
        });
        var candidates = new List<string?>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pc.OnIceCandidate += (_, e) =>
        {
            lock (candidates) candidates.Add(e.CandidateLine);
            if (e.Candidate is null) done.TrySetResult();
        };
        pc.CreateDataChannel("x");
        pc.SetLocalDescription();
        await done.Task.WaitAsync(PeerTestKit.Patience);
        lock (candidates) Assert.Equal([null], candidates);
        Assert.DoesNotContain("a=candidate", pc.CreateOffer().Sdp);
    }
}
