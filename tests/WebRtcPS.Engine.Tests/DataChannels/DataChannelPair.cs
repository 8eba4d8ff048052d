using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using WebRtcPS.Engine.DataChannels;
using WebRtcPS.Engine.Sctp;
using WebRtcPS.Engine.Tests.Sctp;
using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Engine.Tests.DataChannels;

/// <summary>Two data channel managers over SCTP over an <see cref="InMemoryDatagramLink"/>; A plays the DTLS client.</summary>
internal sealed class DataChannelPair : IAsyncDisposable
{
    private DataChannelPair(InMemoryDatagramLink link, SctpAssociation a, SctpAssociation b)
    {
        Link = link;
        AssociationA = a;
        AssociationB = b;
        A = new DataChannelManager(a, isDtlsClient: true);
        B = new DataChannelManager(b, isDtlsClient: false);
        A.OnDataChannel += (_, c) => IncomingAtA.Writer.TryWrite(c);
        B.OnDataChannel += (_, c) => IncomingAtB.Writer.TryWrite(c);
    }

    public InMemoryDatagramLink Link { get; }
    public SctpAssociation AssociationA { get; }
    public SctpAssociation AssociationB { get; }
    public DataChannelManager A { get; }
    public DataChannelManager B { get; }
    public Channel<RTCDataChannel> IncomingAtA { get; } = Channel.CreateUnbounded<RTCDataChannel>();
    public Channel<RTCDataChannel> IncomingAtB { get; } = Channel.CreateUnbounded<RTCDataChannel>();

    /// <param name="logger">Both associations' logger (the managers log through it too).</param>
    public static async Task<DataChannelPair> ConnectAsync(int seed = 1, LinkImpairment? impairment = null, ILogger? logger = null)
    {
        var link = new InMemoryDatagramLink(seed, impairment, impairment);
        SctpAssociationOptions Options() => new()
        {
            RtoInitial = TimeSpan.FromMilliseconds(100), RtoMin = TimeSpan.FromMilliseconds(50), RtoMax = TimeSpan.FromSeconds(2),
            MaxAssociationRetransmits = 50, MaxInitRetransmits = 50, DeliverMessagesAsEvents = true,
        };
        var pair = new DataChannelPair(link, new SctpAssociation(link.A, Options(), logger: logger), new SctpAssociation(link.B, Options(), logger: logger));
        pair.AssociationA.Start();
        pair.AssociationB.Start();
        using var cts = new CancellationTokenSource(SctpPair.Generous);
        await Task.WhenAll(pair.AssociationA.WaitConnectedAsync(cts.Token), pair.AssociationB.WaitConnectedAsync(cts.Token));
        return pair;
    }

    /// <summary>Creates a channel at A and waits until both ends are open; returns (at A, at B).</summary>
    public async Task<(RTCDataChannel AtA, RTCDataChannel AtB)> OpenAsync(string label, RTCDataChannelInit? init = null)
    {
        var channel = A.CreateDataChannel(label, init);
        var opened = WhenOpen(channel);
        var remote = await IncomingAtB.Reader.ReadAsync().AsTask().WaitAsync(SctpPair.Generous);
        await opened;
        return (channel, remote);
    }

    public static Task WhenOpen(RTCDataChannel channel)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        channel.OnOpen += (_, _) => tcs.TrySetResult();
        if (channel.ReadyState == RTCDataChannelState.Open) tcs.TrySetResult();
        return tcs.Task.WaitAsync(SctpPair.Generous);
    }

    public static Task WhenClosed(RTCDataChannel channel)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        channel.OnClose += (_, _) => tcs.TrySetResult();
        if (channel.ReadyState == RTCDataChannelState.Closed) tcs.TrySetResult();
        return tcs.Task.WaitAsync(SctpPair.Generous);
    }

    /// <summary>Collects a channel's messages into a Channel for the test to read.</summary>
    public static ChannelReader<RTCDataChannelMessage> Inbox(RTCDataChannel channel)
    {
        var inbox = Channel.CreateUnbounded<RTCDataChannelMessage>();
        channel.OnMessage += (_, m) => inbox.Writer.TryWrite(m);
        return inbox.Reader;
    }

    public async ValueTask DisposeAsync()
    {
        await AssociationA.DisposeAsync();
        await AssociationB.DisposeAsync();
        Assert.Equal(0, AssociationA.InternalErrors);
        Assert.Equal(0, AssociationB.InternalErrors);
    }
}
