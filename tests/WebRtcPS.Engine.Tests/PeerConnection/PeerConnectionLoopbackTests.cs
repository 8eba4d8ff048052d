using System.Security.Cryptography;
using WebRtcPS.Engine.DataChannels;
using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.Sctp;
using WebRtcPS.Engine.PeerConnection;
using Xunit.Abstractions;

namespace WebRtcPS.Engine.Tests.PeerConnection;

/// <summary>Two RTCPeerConnections in one process over loopback UDP, negotiated through an in-memory relay.</summary>
public sealed class PeerConnectionLoopbackTests(ITestOutputHelper output)
{
    private readonly ITestOutputHelper _output = output;

    [Fact]
    public async Task Greetings_both_ways_with_W3C_states_and_roles()
    {
        await using var pair = await PeerTestKit.ConnectAsync();
        pair.OffererChannel.Send("Hello from the Offerer!");
        pair.AnswererChannel.Send("Hello from the Answerer!");
        Assert.Equal("Hello from the Offerer!", await pair.AnswererSink.NextTextAsync());
        Assert.Equal("Hello from the Answerer!", await pair.OffererSink.NextTextAsync());

        await pair.Offerer.WaitConnectedAsync();
        await pair.Answerer.WaitConnectedAsync();
        Assert.Equal(RTCSignalingState.Stable, pair.Offerer.SignalingState);
        Assert.Equal(RTCSignalingState.Stable, pair.Answerer.SignalingState);
        Assert.Equal(RTCIceGatheringState.Complete, pair.Offerer.IceGatheringState);
        Assert.Contains(pair.Offerer.IceConnectionState, new[] { RTCIceConnectionState.Connected, RTCIceConnectionState.Completed });
        // The answer says a=setup:active: the answerer is the DTLS client, its channel ids... the offerer's channel is created by a server: odd.
        Assert.Equal(DtlsRole.Server, pair.Offerer.DtlsRole);
        Assert.Equal(DtlsRole.Client, pair.Answerer.DtlsRole);
        Assert.Equal(1, pair.OffererChannel.Id! % 2);
        Assert.Equal("testChannel", pair.AnswererChannel.Label);
        Assert.Equal(262144, pair.Offerer.RemoteMaxMessageSize);
    }

    [Fact]
    public async Task Event_stream_is_ordered_and_covers_every_layer()
    {
        await using var pair = await PeerTestKit.ConnectAsync();
        await pair.Offerer.CloseAsync();
        var events = new List<PeerConnectionEvent>();
        await foreach (var e in pair.Offerer.Events.ReadAllAsync()) events.Add(e);

        Assert.Contains(events, e => e is PeerConnectionIceEvent { Ice: IceCandidateGatheredEvent });
        Assert.Contains(events, e => e is PeerConnectionIceEvent { Ice: IceSelectedCandidatePairChangedEvent });
        Assert.Contains(events, e => e is SignalingStateChangedEvent { State: RTCSignalingState.HaveLocalOffer });
        Assert.Contains(events, e => e is DtlsStateChangedEvent { State: RTCDtlsTransportState.Connected });
        Assert.Contains(events, e => e is SctpStateChangedEvent { State: RTCSctpTransportState.Connected });
        Assert.Contains(events, e => e is DataChannelStateChangedEvent { State: RTCDataChannelState.Open, Label: "testChannel" });
        var states = events.OfType<ConnectionStateChangedEvent>().Select(e => e.State).ToList();
        Assert.Equal([RTCPeerConnectionState.Connecting, RTCPeerConnectionState.Connected, RTCPeerConnectionState.Closed], states);
    }

    [Fact]
    public async Task W3C_handlers_fire_in_order_with_a_null_candidate_last()
    {
        var offerer = new RTCPeerConnection(PeerTestKit.Loopback());
        var answerer = new RTCPeerConnection(PeerTestKit.Loopback());
        var log = new List<string>();
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var endOfCandidates = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Add(string entry)
        {
            lock (log) log.Add(entry);
        }
        offerer.OnIceCandidate += (_, e) =>
        {
            Add(e.Candidate is null ? "candidate null" : $"candidate {e.Candidate.Type} mid {e.SdpMid}");
            if (e.Candidate is null) endOfCandidates.TrySetResult();
        };
        offerer.OnIceGatheringStateChange += (_, s) => Add($"gathering {s}");
        offerer.OnIceConnectionStateChange += (_, s) => Add($"ice {s}");
        offerer.OnSignalingStateChange += (_, s) => Add($"signaling {s}");
        offerer.OnConnectionStateChange += (_, s) =>
        {
            Add($"connection {s}");
            if (s == RTCPeerConnectionState.Connected) connected.TrySetResult();
        };
        offerer.CreateDataChannel("testChannel");
        await using (InMemorySignaling.Start(offerer, answerer))
        {
            await connected.Task.WaitAsync(PeerTestKit.Patience);
            await endOfCandidates.Task.WaitAsync(PeerTestKit.Patience);
        }
        await offerer.CloseAsync();
        await answerer.CloseAsync();
        List<string> entries;
        lock (log) entries = [.. log];
        _output.WriteLine(string.Join(Environment.NewLine, entries));

        static int At(List<string> l, string e) => l.IndexOf(e) is var i and >= 0 ? i : throw new Xunit.Sdk.XunitException($"'{e}' missing from: {string.Join(", ", l)}");
        Assert.True(At(entries, "signaling HaveLocalOffer") < At(entries, "gathering Gathering"));
        Assert.True(At(entries, "gathering Gathering") < At(entries, "candidate Host mid 0"));
        Assert.True(At(entries, "candidate Host mid 0") < At(entries, "gathering Complete"));
        Assert.True(At(entries, "gathering Complete") < At(entries, "candidate null"));
        Assert.True(At(entries, "ice Checking") < At(entries, "connection Connected"));
        Assert.True(At(entries, "connection Connecting") < At(entries, "connection Connected"));
        Assert.Equal(1, entries.Count(e => e == "candidate null"));
        // close() raises no W3C state events.
        Assert.DoesNotContain("connection Closed", entries);
        Assert.DoesNotContain("signaling Closed", entries);
    }
}
