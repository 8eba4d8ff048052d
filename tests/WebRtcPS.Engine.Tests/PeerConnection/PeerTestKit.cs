using System.Net.Sockets;
using System.Threading.Channels;
using WebRtcPS.Engine.DataChannels;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.PeerConnection;
using WebRtcPS.Engine.Sdp;
using WebRtcPS.Signaling;

namespace WebRtcPS.Engine.Tests.PeerConnection;

/// <summary>Configurations, waits and a seed-protocol peer for the peer connection tests.</summary>
internal static class PeerTestKit
{
    /// <summary>Generous: the machine has two shared cores. Never a timed assertion, only a hang guard.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>Loopback host candidates only (IPv4), with the peer connection's ICE defaults
    /// changed by <paramref name="ice"/> when given.</summary>
    public static RTCConfiguration Loopback(Func<IceAgentOptions, IceAgentOptions>? ice = null)
    {
        var loopback = RTCConfiguration.DefaultIce with
        {
            IncludeLoopback = true,
            EnableIPv6 = false,
            InterfaceFilter = a => a.IsLoopback,
        };
        return new() { Ice = ice?.Invoke(loopback) ?? loopback };
    }

    public static CancellationTokenSource Timeout() => new(Patience);

    /// <summary>Completes when <paramref name="channel"/> opens (or at once if it is open).</summary>
    public static Task WhenOpen(RTCDataChannel channel)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        channel.OnOpen += (_, _) => tcs.TrySetResult();
        channel.OnClose += (_, _) => tcs.TrySetException(new InvalidOperationException($"channel '{channel.Label}' closed before it opened"));
        if (channel.ReadyState == RTCDataChannelState.Open) tcs.TrySetResult();
        return tcs.Task.WaitAsync(Patience);
    }

    public static Task WhenClosed(RTCDataChannel channel)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        channel.OnClose += (_, _) => tcs.TrySetResult();
        if (channel.ReadyState == RTCDataChannelState.Closed) tcs.TrySetResult();
        return tcs.Task.WaitAsync(Patience);
    }

    /// <summary>The next remote channel announced through OnDataChannel; its messages go to a sink
    /// attached inside the event (so none is missed).</summary>
    public static Task<(RTCDataChannel Channel, MessageSink Sink)> NextRemoteChannel(RTCPeerConnection pc, string? label = null)
    {
        var tcs = new TaskCompletionSource<(RTCDataChannel, MessageSink)>(TaskCreationOptions.RunContinuationsAsynchronously);
        pc.OnDataChannel += (_, channel) =>
        {
            if (label is not null && channel.Label != label) return;
            var sink = new MessageSink(channel);
            tcs.TrySetResult((channel, sink));
        };
        return tcs.Task.WaitAsync(Patience);
    }

    /// <summary>A UDP socket that is bound and never read: packets to it vanish.</summary>
    public static Socket BlackHole()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return socket;
    }

    /// <summary>Two connections over loopback, negotiated through an in-memory relay with trickle;
    /// the offerer's channel <paramref name="label"/> is created before the offer.</summary>
    public static async Task<ConnectedPair> ConnectAsync(string label = "testChannel", RTCDataChannelInit? init = null,
        RTCConfiguration? offererConfig = null, RTCConfiguration? answererConfig = null)
    {
        var offerer = new RTCPeerConnection(offererConfig ?? Loopback());
        var answerer = new RTCPeerConnection(answererConfig ?? Loopback());
        var channel = offerer.CreateDataChannel(label, init);
        var offererSink = new MessageSink(channel);
        var remote = NextRemoteChannel(answerer, label);
        var opened = WhenOpen(channel);
        var relay = InMemorySignaling.Start(offerer, answerer);
        await opened;
        var (answererChannel, answererSink) = await remote;
        await WhenOpen(answererChannel);
        return new ConnectedPair(offerer, answerer, channel, offererSink, answererChannel, answererSink, relay);
    }
}

internal sealed record ConnectedPair(RTCPeerConnection Offerer, RTCPeerConnection Answerer,
    RTCDataChannel OffererChannel, MessageSink OffererSink, RTCDataChannel AnswererChannel, MessageSink AnswererSink,
    IAsyncDisposable Relay) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        await Relay.DisposeAsync();
        await Offerer.DisposeAsync();
        await Answerer.DisposeAsync();
    }
}

/// <summary>Collects a channel's messages for awaiting.</summary>
internal sealed class MessageSink
{
    private readonly Channel<RTCDataChannelMessage> _messages = Channel.CreateUnbounded<RTCDataChannelMessage>();

    public MessageSink(RTCDataChannel channel) => channel.OnMessage += (_, m) => _messages.Writer.TryWrite(m);

    public async Task<RTCDataChannelMessage> NextAsync(CancellationToken ct = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(PeerTestKit.Patience);
        return await _messages.Reader.ReadAsync(timeout.Token);
    }

    public async Task<string> NextTextAsync() => (await NextAsync()).Text ?? throw new InvalidOperationException("binary message");

    public bool TryRead(out RTCDataChannelMessage? message) => _messages.Reader.TryRead(out message);
}

/// <summary>
/// The seed protocol's two peers in one process: messages (offer, answer, candidate with a bare
/// candidate line) pass through a pair of in-memory queues standing in for the signaling server;
/// early candidates are held with a <see cref="PendingCandidateBuffer"/>.
/// </summary>
internal static class InMemorySignaling
{
    /// <param name="tamperToOfferer">Rewrites what the answerer sends; null drops the message.</param>
    /// <param name="tamperToAnswerer">Rewrites what the offerer sends; null drops the message.</param>
    /// <param name="editAnswer">Rewrites the answer before the answerer sets it as its own (SDP munging).</param>
    public static IAsyncDisposable Start(RTCPeerConnection offerer, RTCPeerConnection answerer,
        Func<SignalingMessage, SignalingMessage?>? tamperToOfferer = null, Func<SignalingMessage, SignalingMessage?>? tamperToAnswerer = null,
        Func<string, string>? editAnswer = null, Func<SignalingMessage, Task>? delayToOfferer = null)
    {
        var toOfferer = Channel.CreateUnbounded<SignalingMessage>();
        var toAnswerer = Channel.CreateUnbounded<SignalingMessage>();
        var cts = new CancellationTokenSource();
        static Task Send(Channel<SignalingMessage> c, SignalingMessage? m) => m is null ? Task.CompletedTask : c.Writer.WriteAsync(m).AsTask();
        Task SendToOfferer(SignalingMessage m)
        {
            if (delayToOfferer is null) return Send(toOfferer, tamperToOfferer is null ? m : tamperToOfferer(m));
            // Delayed on the way, as by a slow server: the answerer goes on (it must take the
            // offerer's candidates meanwhile), and what it sends later may overtake.
            _ = Task.Run(async () =>
            {
                await delayToOfferer(m);
                await Send(toOfferer, tamperToOfferer is null ? m : tamperToOfferer(m));
            });
            return Task.CompletedTask;
        }
        var a = SeedPeer.RunAnswererAsync(answerer, SendToOfferer, toAnswerer.Reader.ReadAllAsync(cts.Token), cts.Token,
            editAnswer: editAnswer);
        var o = SeedPeer.RunOffererAsync(offerer, m => Send(toAnswerer, tamperToAnswerer is null ? m : tamperToAnswerer(m)), toOfferer.Reader.ReadAllAsync(cts.Token), cts.Token);
        return new Stopper(cts, [a, o]);
    }

    private sealed class Stopper(CancellationTokenSource cts, Task[] tasks) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await cts.CancelAsync();
            try
            {
                await Task.WhenAll(tasks);
            }
            catch (OperationCanceledException)
            {
            }
            cts.Dispose();
        }
    }
}

/// <summary>The original tool's offerer and answerer logic over any message transport.</summary>
internal static class SeedPeer
{
    public const string OffererId = "offer-peer-1";
    public const string AnswererId = "answer-peer-1";

    /// <summary>Creates and sends the offer (after SLD), trickles candidates (an empty candidate
    /// is end-of-candidates), applies the answer and the peer's candidates (held until the answer).</summary>
    /// <param name="candidatesFirst">Gather fully and send every candidate before the offer (forces the peer to hold them).</param>
    public static async Task RunOffererAsync(RTCPeerConnection pc, Func<SignalingMessage, Task> send,
        IAsyncEnumerable<SignalingMessage> incoming, CancellationToken ct, bool candidatesFirst = false, bool sendEndOfCandidates = true,
        Action<PendingCandidateBuffer>? onHeld = null)
    {
        var pending = new PendingCandidateBuffer(pc);
        var outgoing = Channel.CreateUnbounded<SignalingMessage>();
        var gathered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pc.OnIceCandidate += (_, e) =>
        {
            if (e.Candidate is null) gathered.TrySetResult();
            if (e.Candidate is null && !sendEndOfCandidates) return;
            outgoing.Writer.TryWrite(Message(SignalingMessage.Candidate, e.CandidateLine ?? "", OffererId, AnswererId));
        };
        var offer = pc.CreateOffer();
        pc.SetLocalDescription(offer);
        var sender = Task.Run(async () =>
        {
            if (candidatesFirst) await gathered.Task.WaitAsync(ct);
            else await send(Message(SignalingMessage.Offer, offer.Sdp, OffererId, AnswererId));
            await foreach (var m in outgoing.Reader.ReadAllAsync(ct))
            {
                await send(m);
                if (candidatesFirst && m.Content.Length == 0) break;
            }
            if (candidatesFirst)
            {
                await send(Message(SignalingMessage.Offer, offer.Sdp, OffererId, AnswererId));
                await foreach (var m in outgoing.Reader.ReadAllAsync(ct)) await send(m);
            }
        }, ct);
        try
        {
            await foreach (var m in incoming.WithCancellation(ct))
            {
                switch (m.Type)
                {
                    case SignalingMessage.Answer:
                        pc.SetRemoteDescription(new RTCSessionDescription(RTCSdpType.Answer, m.Content));
                        pending.Flush();
                        break;
                    case SignalingMessage.Candidate:
                        if (!pending.Add(m.Content)) onHeld?.Invoke(pending);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        try
        {
            await sender;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    public static async Task RunAnswererAsync(RTCPeerConnection pc, Func<SignalingMessage, Task> send,
        IAsyncEnumerable<SignalingMessage> incoming, CancellationToken ct, bool sendEndOfCandidates = true,
        Action<PendingCandidateBuffer>? onHeld = null, Func<string, string>? editAnswer = null)
    {
        var pending = new PendingCandidateBuffer(pc);
        var outgoing = Channel.CreateUnbounded<SignalingMessage>();
        pc.OnIceCandidate += (_, e) =>
        {
            if (e.Candidate is null && !sendEndOfCandidates) return;
            outgoing.Writer.TryWrite(Message(SignalingMessage.Candidate, e.CandidateLine ?? "", AnswererId, OffererId));
        };
        Task? sender = null;
        try
        {
            await foreach (var m in incoming.WithCancellation(ct))
            {
                switch (m.Type)
                {
                    case SignalingMessage.Offer:
                        pc.SetRemoteDescription(new RTCSessionDescription(RTCSdpType.Offer, m.Content));
                        pending.Flush();
                        var answer = pc.CreateAnswer();
                        if (editAnswer is not null) answer = new RTCSessionDescription(RTCSdpType.Answer, editAnswer(answer.Sdp));
                        pc.SetLocalDescription(answer);
                        await send(Message(SignalingMessage.Answer, answer.Sdp, AnswererId, OffererId));
                        sender ??= Task.Run(async () =>
                        {
                            await foreach (var c in outgoing.Reader.ReadAllAsync(ct)) await send(c);
                        }, ct);
                        break;
                    case SignalingMessage.Candidate:
                        if (!pending.Add(m.Content)) onHeld?.Invoke(pending);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        if (sender is not null)
        {
            try
            {
                await sender;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
        }
    }

    private static SignalingMessage Message(string type, string content, string from, string to) =>
        new() { Type = type, Content = content, From = from, To = to };
}
