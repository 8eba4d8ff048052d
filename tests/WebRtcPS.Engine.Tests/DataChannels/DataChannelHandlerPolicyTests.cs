using Microsoft.Extensions.Logging;

namespace WebRtcPS.Engine.Tests.DataChannels;

/// <summary>A user handler that throws is logged (warning, event id 4050) and changes nothing else:
/// the other handlers of the event and every later event are still delivered.</summary>
public class DataChannelHandlerPolicyTests
{
    private const int HandlerThrew = 4050;

    [Fact]
    public async Task ThrowingOnDataChannelOnOpenAndOnMessageAreLoggedAndDeliveryGoesOn()
    {
        var log = new ListLogger();
        await using var pair = await DataChannelPair.ConnectAsync(logger: log);
        pair.B.OnDataChannel += (_, _) => throw new InvalidOperationException("bug in ondatachannel");

        var channel = pair.A.CreateDataChannel("chat");
        channel.OnOpen += (_, _) => throw new InvalidOperationException("bug in onopen");
        var opened = DataChannelPair.WhenOpen(channel);
        var remote = await pair.IncomingAtB.Reader.ReadAsync().AsTask().WaitAsync(Sctp.SctpPair.Generous);
        await opened;

        remote.OnMessage += (_, _) => throw new InvalidOperationException("bug in onmessage");
        var inbox = DataChannelPair.Inbox(remote);
        channel.Send("one");
        channel.Send("two");
        Assert.Equal("one", (await inbox.ReadAsync().AsTask().WaitAsync(Sctp.SctpPair.Generous)).Text);
        Assert.Equal("two", (await inbox.ReadAsync().AsTask().WaitAsync(Sctp.SctpPair.Generous)).Text);

        var entries = log.Entries.Where(e => e.Id.Id == HandlerThrew).ToList();
        Assert.All(entries, e => Assert.Equal(LogLevel.Warning, e.Level));
        Assert.Single(entries, e => e.Message.Contains("OnDataChannel", StringComparison.Ordinal));
        Assert.Single(entries, e => e.Message.Contains("OnOpen", StringComparison.Ordinal));
        Assert.Equal(2, entries.Count(e => e.Message.Contains("OnMessage", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ThrowingOnCloseIsLoggedAndTheOtherChannelsGoOn()
    {
        var log = new ListLogger();
        await using var pair = await DataChannelPair.ConnectAsync(logger: log);
        var (closing, closingAtB) = await pair.OpenAsync("closing");
        var (keep, keepAtB) = await pair.OpenAsync("keep");
        closing.OnClose += (_, _) => throw new InvalidOperationException("bug in onclose");
        var closed = DataChannelPair.WhenClosed(closing);
        closing.Close();
        await closed;
        await DataChannelPair.WhenClosed(closingAtB);

        var inbox = DataChannelPair.Inbox(keepAtB);
        keep.Send("still here");
        Assert.Equal("still here", (await inbox.ReadAsync().AsTask().WaitAsync(Sctp.SctpPair.Generous)).Text);
        Assert.Contains(log.Entries, e => e.Id.Id == HandlerThrew && e.Level == LogLevel.Warning && e.Message.Contains("OnClose", StringComparison.Ordinal));
    }
}
