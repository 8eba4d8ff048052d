using System.Collections.Concurrent;
using WebRtcPS.Engine.DataChannels;
using WebRtcPS.Engine.Tests.Sctp;

namespace WebRtcPS.Engine.Tests.DataChannels;

/// <summary>The manager's state lives on its loop: calls from many threads at once, and calls
/// made from inside its own events (on the association's event task), are serialized there
/// without a lock and without a deadlock.</summary>
public class DataChannelLoopTests
{
    [Fact]
    public async Task CreateDataChannelFromManyThreadsGivesDistinctIdsOfOurRole()
    {
        await using var pair = await DataChannelPair.ConnectAsync();
        var created = new ConcurrentBag<RTCDataChannel>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (int i = 0; i < 12; i++) created.Add(pair.A.CreateDataChannel($"t{t}-{i}"));
        })));
        var ids = created.Select(c => c.Id!.Value).ToList();
        Assert.Equal(96, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Equal(0, id % 2));   // A is the DTLS client: even ids
        foreach (var channel in created) await DataChannelPair.WhenOpen(channel);
        Assert.Equal(96, pair.A.Channels.Count);
    }

    [Fact]
    public async Task HandlersMayCallTheManagerFromItsOwnEvents()
    {
        await using var pair = await DataChannelPair.ConnectAsync();
        var reply = new TaskCompletionSource<RTCDataChannel>(TaskCreationOptions.RunContinuationsAsynchronously);
        pair.B.OnDataChannel += (_, incoming) =>
        {
            // On the association's event task: close what the peer opened and open one back.
            incoming.Close();
            reply.TrySetResult(pair.B.CreateDataChannel("reply"));
        };
        var first = pair.A.CreateDataChannel("first");
        var firstClosed = DataChannelPair.WhenClosed(first);
        var back = await reply.Task.WaitAsync(SctpPair.Generous);
        await firstClosed;
        await DataChannelPair.WhenOpen(back);
        var atA = await pair.IncomingAtA.Reader.ReadAsync().AsTask().WaitAsync(SctpPair.Generous);
        Assert.Equal("reply", atA.Label);
        Assert.Equal(1, back.Id!.Value % 2);   // B is the DTLS server: odd ids
    }
}
