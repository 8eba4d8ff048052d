using System.Diagnostics;
using WebRtcPS.Signaling;
using WebRtcPS.Signaling.Client;
using WebRtcPS.Signaling.Peers;

namespace WebRtcPS.Engine.Tests.Peers;

/// <summary>
/// What a peer posts, and when: the candidates behind its first offer or answer do not wait for
/// that description's reply (the peer holds early candidates, as the seed protocol has it), and
/// an ICE restart's description waits for everything before it, and everything after waits for it.
/// </summary>
public sealed class SeedPeerSendOrderTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static SeedPeerOptions Options(SeedPeerRole role, string id, string remote) => new()
    {
        Role = role,
        Id = id,
        RemoteId = remote,
        SignalingUri = new Uri("http://in-process.invalid/"), // not used: the path is given
        Configuration = SeedPeerTests.LoopbackOnly,
        SendGreeting = false,
        WaitForRemoteGreeting = false,
    };

    /// <summary>One POST: its message type, when it began and when its reply came (ms on one clock).</summary>
    private sealed class Post(string type, double start)
    {
        public string Type { get; } = type;
        public double Start { get; } = start;
        public double? End { get; set; }
    }

    /// <summary>A signaling path whose messages arrive at once but whose replies to descriptions
    /// come <paramref name="replyDelay"/> later (a slow server or network on the way back).</summary>
    private sealed class SlowReplies(ISignalingChannel inner, TimeSpan replyDelay, List<Post> log, Stopwatch clock) : ISignalingChannel
    {
        public async Task SendAsync(SignalingMessage message, CancellationToken cancellationToken = default)
        {
            var post = new Post(message.Type, clock.Elapsed.TotalMilliseconds);
            lock (log) log.Add(post);
            await inner.SendAsync(message, cancellationToken);
            if (message.Type is SignalingMessage.Offer or SignalingMessage.Answer) await Task.Delay(replyDelay, cancellationToken);
            post.End = clock.Elapsed.TotalMilliseconds;
        }

        public IAsyncEnumerable<SignalingMessage> ReceiveAsync(CancellationToken cancellationToken = default) => inner.ReceiveAsync(cancellationToken);

        public void Dispose() => inner.Dispose();
    }

    [Fact]
    public async Task CandidatesBehindTheFirstDescription_DoNotWaitForItsReply()
    {
        var hub = new InProcessSignaling();
        var clock = Stopwatch.StartNew();
        var offererPosts = new List<Post>();
        var answererPosts = new List<Post>();
        var slow = TimeSpan.FromMilliseconds(400);
        await using var offerer = new SeedPeer(Options(SeedPeerRole.Offerer, "o", "a"), id => new SlowReplies(hub.Connect(id), slow, offererPosts, clock));
        await using var answerer = new SeedPeer(Options(SeedPeerRole.Answerer, "a", "o"), id => new SlowReplies(hub.Connect(id), slow, answererPosts, clock));
        await Task.WhenAll(answerer.ConnectAsync(Patience), offerer.ConnectAsync(Patience));

        foreach (var (posts, description) in new[] { (offererPosts, "offer"), (answererPosts, "answer") })
        {
            Post first;
            Post candidate;
            lock (posts)
            {
                first = posts[0];
                candidate = posts.First(p => p.Type == SignalingMessage.Candidate);
            }
            Assert.Equal(description, first.Type);
            Assert.True(candidate.Start < first.End, $"the first candidate went at {candidate.Start:0.0} ms, the {description}'s reply came at {first.End:0.0} ms");
        }
        // The description's own "sent" came too, after its reply.
        var events = new List<SeedPeerEvent>();
        while (offerer.Events.TryRead(out var e)) events.Add(e);
        Assert.Contains(events, e => e is SeedPeerSignalingEvent { Sent: true, Type: "offer" });
    }

    [Fact]
    public async Task ARestartsOffer_WaitsForEverythingBeforeIt_AndEverythingAfterWaitsForIt()
    {
        var hub = new InProcessSignaling();
        var clock = Stopwatch.StartNew();
        var posts = new List<Post>();
        var slow = TimeSpan.FromMilliseconds(150);
        await using var offerer = new SeedPeer(Options(SeedPeerRole.Offerer, "o", "a"), id => new SlowReplies(hub.Connect(id), slow, posts, clock));
        await using var answerer = new SeedPeer(Options(SeedPeerRole.Answerer, "a", "o"), hub);
        await Task.WhenAll(answerer.ConnectAsync(Patience), offerer.ConnectAsync(Patience));
        var following = answerer.RestartIceAsync(Patience);
        await offerer.RestartIceAsync(Patience);
        await following;

        lock (posts)
        {
            var offers = posts.Select((p, i) => (p, i)).Where(x => x.p.Type == SignalingMessage.Offer).ToList();
            Assert.Equal(2, offers.Count);
            var (restart, at) = offers[1];
            Assert.All(posts.Take(at), p => Assert.True(p.End <= restart.Start, $"a {p.Type} ended at {p.End:0.0} ms, after the restart's offer began at {restart.Start:0.0} ms"));
            var after = posts.Skip(at + 1).ToList();
            Assert.Contains(after, p => p.Type == SignalingMessage.Candidate);
            Assert.All(after, p => Assert.True(p.Start >= restart.End, $"a {p.Type} began at {p.Start:0.0} ms, before the restart's offer ended at {restart.End:0.0} ms"));
        }
    }
}
