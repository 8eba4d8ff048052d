using System.Diagnostics;
using System.Security.Cryptography;
using WebRtcPS.Engine.DataChannels;
using WebRtcPS.Engine.PeerConnection;
using WebRtcPS.Signaling;
using Xunit.Abstractions;

namespace WebRtcPS.Engine.Tests.PeerConnection;

/// <summary>Data over a WebRtcPS↔WebRtcPS connection on loopback: echo, sizes, bulk, partial reliability, many channels, close, stats.</summary>
public sealed class PeerConnectionDataTests(ITestOutputHelper output)
{
    private readonly ITestOutputHelper _output = output;

    [Fact]
    public async Task Thousand_echo_round_trips()
    {
        await using var pair = await PeerTestKit.ConnectAsync();
        pair.AnswererChannel.OnMessage += (_, m) => pair.AnswererChannel.Send(m.Text!);
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < 1000; i++)
        {
            var text = $"echo {i}";
            pair.OffererChannel.Send(text);
            Assert.Equal(text, await pair.OffererSink.NextTextAsync());
        }
        _output.WriteLine($"1000 round trips in {sw.Elapsed.TotalMilliseconds:F0} ms (mean {sw.Elapsed.TotalMilliseconds / 1000:F3} ms)");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(65535)]
    [InlineData(65536)]
    [InlineData(262144)]
    public async Task Messages_of_every_edge_size_arrive_intact_both_ways(int size)
    {
        await using var pair = await PeerTestKit.ConnectAsync();
        var data = RandomNumberGenerator.GetBytes(size);
        pair.OffererChannel.Send(data);
        var received = await pair.AnswererSink.NextAsync();
        Assert.False(received.IsText);
        Assert.Equal(data, received.Data);

        var text = new string('x', size);
        pair.AnswererChannel.Send(text);
        var back = await pair.OffererSink.NextAsync();
        Assert.True(back.IsText);
        Assert.Equal(text, back.Text);
    }

    [Fact]
    public async Task Larger_than_the_peers_max_message_size_is_refused()
    {
        await using var pair = await PeerTestKit.ConnectAsync();
        Assert.Throws<ArgumentException>(() => pair.OffererChannel.Send(new byte[262145]));
    }

    [Fact]
    public async Task Sixteen_MiB_bulk_is_verified_with_SHA256()
    {
        await using var pair = await PeerTestKit.ConnectAsync();
        const int total = 16 * 1024 * 1024, chunk = 65536;
        var source = RandomNumberGenerator.GetBytes(total);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long received = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pair.AnswererChannel.OnMessage += (_, m) =>
        {
            hash.AppendData(m.Data);
            if ((received += m.Data.Length) >= total) done.TrySetResult();
        };
        var sw = Stopwatch.StartNew();
        for (var offset = 0; offset < total; offset += chunk)
            await pair.OffererChannel.SendAsync(source.AsMemory(offset, chunk));
        await done.Task.WaitAsync(PeerTestKit.Patience);
        sw.Stop();
        Assert.Equal(SHA256.HashData(source), hash.GetHashAndReset());
        _output.WriteLine($"16 MiB in {sw.Elapsed.TotalMilliseconds:F0} ms: {total * 8 / sw.Elapsed.TotalSeconds / 1e6:F1} Mbit/s");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Partially_reliable_unordered_channel_carries_its_settings_and_messages(bool lifetime)
    {
        var init = lifetime
            ? new RTCDataChannelInit { Ordered = false, MaxPacketLifeTime = 500 }
            : new RTCDataChannelInit { Ordered = false, MaxRetransmits = 0 };
        await using var pair = await PeerTestKit.ConnectAsync("lossy", init);
        Assert.False(pair.AnswererChannel.Ordered);
        Assert.Equal(init.MaxRetransmits, pair.AnswererChannel.MaxRetransmits);
        Assert.Equal(init.MaxPacketLifeTime, pair.AnswererChannel.MaxPacketLifeTime);
        // Loopback does not lose small packets sent at this pace; unordered delivery may reorder, so compare as sets.
        var expected = Enumerable.Range(0, 50).Select(i => $"u{i}").ToHashSet();
        foreach (var m in expected) pair.OffererChannel.Send(m);
        var got = new HashSet<string>();
        while (got.Count < expected.Count) got.Add(await pair.AnswererSink.NextTextAsync());
        Assert.Equal(expected, got);
    }

    [Fact]
    public async Task Several_channels_before_and_after_connect_each_carry_their_own_messages()
    {
        var offerer = new RTCPeerConnection(PeerTestKit.Loopback());
        var answerer = new RTCPeerConnection(PeerTestKit.Loopback());
        string[] remoteLabels = ["a", "b", "c", "d"], localLabels = ["a", "b", "c"];
        var remote = remoteLabels.ToDictionary(l => l, l => PeerTestKit.NextRemoteChannel(answerer, l));
        var before = localLabels.Select(l => offerer.CreateDataChannel(l)).ToList();
        var negotiated = offerer.CreateDataChannel("neg", new RTCDataChannelInit { Negotiated = true, Id = 40 });
        var negotiatedRemote = answerer.CreateDataChannel("neg", new RTCDataChannelInit { Negotiated = true, Id = 40 });
        var negotiatedSink = new MessageSink(negotiatedRemote);
        await using var relay = InMemorySignaling.Start(offerer, answerer);
        try
        {
            foreach (var c in before) await PeerTestKit.WhenOpen(c);
            await PeerTestKit.WhenOpen(negotiated);
            await PeerTestKit.WhenOpen(negotiatedRemote);
            var after = offerer.CreateDataChannel("d");
            await PeerTestKit.WhenOpen(after);
            var fromAnswererRemoteTask = PeerTestKit.NextRemoteChannel(offerer, "e");
            var fromAnswerer = answerer.CreateDataChannel("e");
            var fromAnswererRemote = (await fromAnswererRemoteTask).Sink;
            await PeerTestKit.WhenOpen(fromAnswerer);

            foreach (var c in before.Append(after)) c.Send($"to {c.Label}");
            negotiated.Send("to neg");
            fromAnswerer.Send("to e");
            foreach (var label in new[] { "a", "b", "c", "d" })
            {
                Assert.Equal($"to {label}", await (await remote[label]).Sink.NextTextAsync());
            }
            Assert.Equal("to neg", await negotiatedSink.NextTextAsync());
            Assert.Equal("to e", await fromAnswererRemote.NextTextAsync());
            // Ids follow the DTLS role: the offerer (server) odd, the answerer (client) even.
            Assert.All(before.Append(after), c => Assert.Equal(1, c.Id!.Value % 2));
            Assert.Equal(0, fromAnswerer.Id!.Value % 2);
        }
        finally
        {
            await offerer.DisposeAsync();
            await answerer.DisposeAsync();
        }
    }

    [Fact]
    public async Task Channel_close_reaches_the_peer_and_connection_close_ends_everything()
    {
        await using var pair = await PeerTestKit.ConnectAsync();
        // Listen first: the peer may raise ondatachannel before CreateDataChannel returns here.
        var secondRemote = PeerTestKit.NextRemoteChannel(pair.Answerer, "second");
        var second = pair.Offerer.CreateDataChannel("second");
        await PeerTestKit.WhenOpen(second);
        var (secondAtAnswerer, _) = await secondRemote;
        await PeerTestKit.WhenOpen(secondAtAnswerer);

        var remoteClosed = PeerTestKit.WhenClosed(secondAtAnswerer);
        second.Close();
        await PeerTestKit.WhenClosed(second);
        await remoteClosed;
        Assert.Equal(RTCDataChannelState.Open, pair.OffererChannel.ReadyState);

        var answererChannelClosed = PeerTestKit.WhenClosed(pair.AnswererChannel);
        await pair.Offerer.CloseAsync();
        Assert.Equal(RTCPeerConnectionState.Closed, pair.Offerer.ConnectionState);
        Assert.Equal(RTCSignalingState.Closed, pair.Offerer.SignalingState);
        Assert.Equal(RTCDataChannelState.Closed, pair.OffererChannel.ReadyState);
        await answererChannelClosed;
        Assert.Throws<InvalidStateError>(() => pair.Offerer.CreateOffer());
        Assert.Throws<InvalidStateError>(() => pair.Offerer.CreateDataChannel("late"));
        var report = await pair.Offerer.GetStatsAsync().WaitAsync(PeerTestKit.Patience);
        var pc = Assert.Single(report.OfType<RTCPeerConnectionStats>());
        Assert.Equal(2, pc.DataChannelsOpened);
        Assert.Equal(2, pc.DataChannelsClosed);
        Assert.All(report.OfType<RTCDataChannelStats>(), c => Assert.Equal(RTCDataChannelState.Closed, c.State));
    }

    [Fact]
    public async Task GetStats_reports_the_selected_pair_and_channel_counters()
    {
        await using var pair = await PeerTestKit.ConnectAsync();
        pair.AnswererChannel.OnMessage += (_, m) => pair.AnswererChannel.Send(m.Data.AsMemory());
        for (var i = 0; i < 10; i++)
        {
            pair.OffererChannel.Send(new byte[100]);
            await pair.OffererSink.NextAsync();
        }
        var report = await pair.Offerer.GetStatsAsync();
        var pc = Assert.Single(report.OfType<RTCPeerConnectionStats>());
        Assert.Equal(1, pc.DataChannelsOpened);
        var transport = Assert.Single(report.OfType<RTCTransportStats>());
        Assert.Equal(RTCDtlsTransportState.Connected, transport.DtlsState);
        Assert.NotNull(transport.DtlsCipher);
        var selected = report.SelectedCandidatePair;
        Assert.NotNull(selected);
        Assert.True(selected.Nominated);
        Assert.NotNull(selected.CurrentRoundTripTime);
        Assert.True(selected.BytesSent > 1000 && selected.BytesReceived > 1000);
        Assert.True(selected.RequestsSent + selected.RequestsReceived > 0);
        Assert.True(selected.ResponsesReceived + selected.ResponsesSent > 0);
        Assert.IsType<RTCIceCandidateStats>(report[selected.LocalCandidateId]);
        Assert.Equal("remote-candidate", report[selected.RemoteCandidateId]!.Type);
        var channel = Assert.Single(report.OfType<RTCDataChannelStats>());
        Assert.Equal("testChannel", channel.Label);
        Assert.Equal(10, channel.MessagesSent);
        Assert.Equal(1000, channel.BytesSent);
        Assert.Equal(10, channel.MessagesReceived);
        Assert.Equal(1000, channel.BytesReceived);
        _output.WriteLine(string.Join(Environment.NewLine, report.Entries));
    }

    [Fact]
    public async Task The_peers_max_message_size_limits_what_we_send()
    {
        await using var offerer = new RTCPeerConnection(PeerTestKit.Loopback());
        await using var answerer = new RTCPeerConnection(PeerTestKit.Loopback());
        var channel = offerer.CreateDataChannel("testChannel");
        var remote = PeerTestKit.NextRemoteChannel(answerer, "testChannel");
        await using var relay = InMemorySignaling.Start(offerer, answerer, m => m.Type == SignalingMessage.Answer
            ? m with { Content = m.Content.Replace("a=max-message-size:262144", "a=max-message-size:65536", StringComparison.Ordinal) }
            : m);
        await PeerTestKit.WhenOpen(channel);
        var (_, sink) = await remote;
        Assert.Equal(65536, offerer.RemoteMaxMessageSize);
        Assert.Throws<ArgumentException>(() => channel.Send(new byte[65537]));
        channel.Send(new byte[65536]);
        Assert.Equal(65536, (await sink.NextAsync()).Data.Length);
    }
}
