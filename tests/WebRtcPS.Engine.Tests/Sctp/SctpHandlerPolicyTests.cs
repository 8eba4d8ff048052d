using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using WebRtcPS.Engine.Sctp;
using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Engine.Tests.Sctp;

/// <summary>A user handler of the association that throws is logged (warning, event id 4006); the
/// event task goes on: the other handlers and every later event are still delivered.</summary>
public class SctpHandlerPolicyTests
{
    private const int HandlerThrew = 4006;

    [Fact]
    public async Task ThrowingStateAndMessageHandlersAreLoggedAndDeliveryGoesOn()
    {
        var link = new InMemoryDatagramLink();
        var log = new ListLogger();
        var options = new SctpAssociationOptions
        {
            RtoInitial = TimeSpan.FromMilliseconds(100), RtoMin = TimeSpan.FromMilliseconds(50), RtoMax = TimeSpan.FromSeconds(2),
            MaxAssociationRetransmits = 50, MaxInitRetransmits = 50, DeliverMessagesAsEvents = true,
        };
        await using var a = new SctpAssociation(link.A, SctpPair.FastOptions());
        await using var b = new SctpAssociation(link.B, options, logger: log);
        var received = Channel.CreateUnbounded<string>();
        b.StateChanged += (_, _) => throw new InvalidOperationException("bug in the state handler");
        b.MessageReceived += (_, _) => throw new InvalidOperationException("bug in the message handler");
        b.MessageReceived += (_, m) => received.Writer.TryWrite(System.Text.Encoding.UTF8.GetString(m.Data));
        a.Start();
        b.Start();
        using var cts = new CancellationTokenSource(SctpPair.Generous);
        await Task.WhenAll(a.WaitConnectedAsync(cts.Token), b.WaitConnectedAsync(cts.Token));

        for (var i = 0; i < 3; i++) a.Send(1, 51, System.Text.Encoding.UTF8.GetBytes($"m{i}"));
        for (var i = 0; i < 3; i++) Assert.Equal($"m{i}", await received.Reader.ReadAsync(cts.Token));

        var entries = log.Entries.Where(e => e.Id.Id == HandlerThrew).ToList();
        Assert.All(entries, e => Assert.Equal(LogLevel.Warning, e.Level));
        Assert.Contains(entries, e => e.Message.Contains("StateChanged", StringComparison.Ordinal));
        Assert.Equal(3, entries.Count(e => e.Message.Contains("MessageReceived", StringComparison.Ordinal)));
        Assert.Equal(0, b.InternalErrors);
    }
}
