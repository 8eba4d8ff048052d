using WebRtcPS.Engine.Sctp;
using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Engine.Tests.Sctp;

/// <summary>Two associations connected over an <see cref="InMemoryDatagramLink"/>.</summary>
internal sealed class SctpPair : IAsyncDisposable
{
    public static readonly TimeSpan Generous = TimeSpan.FromMinutes(3);

    public static SctpAssociationOptions FastOptions(bool sendInit = true) => new()
    {
        RtoInitial = TimeSpan.FromMilliseconds(100),
        RtoMin = TimeSpan.FromMilliseconds(50),
        RtoMax = TimeSpan.FromSeconds(2),
        MaxAssociationRetransmits = 50,
        MaxInitRetransmits = 50,
        SendInit = sendInit,
    };

    private SctpPair(InMemoryDatagramLink link, SctpAssociation a, SctpAssociation b)
    {
        Link = link;
        A = a;
        B = b;
    }

    public InMemoryDatagramLink Link { get; }
    public SctpAssociation A { get; }
    public SctpAssociation B { get; }

    public static async Task<SctpPair> ConnectAsync(int seed = 1, LinkImpairment? impairment = null, bool bothSendInit = true,
        SctpAssociationOptions? options = null)
    {
        var link = new InMemoryDatagramLink(seed, impairment, impairment);
        var baseOptions = options ?? FastOptions();
        var a = new SctpAssociation(link.A, baseOptions);
        var b = new SctpAssociation(link.B, Clone(baseOptions, bothSendInit));
        a.Start();
        b.Start();
        using var cts = new CancellationTokenSource(Generous);
        await Task.WhenAll(a.WaitConnectedAsync(cts.Token), b.WaitConnectedAsync(cts.Token));
        return new SctpPair(link, a, b);
    }

    private static SctpAssociationOptions Clone(SctpAssociationOptions o, bool sendInit) => new()
    {
        RtoInitial = o.RtoInitial, RtoMin = o.RtoMin, RtoMax = o.RtoMax, MaxAssociationRetransmits = o.MaxAssociationRetransmits,
        MaxInitRetransmits = o.MaxInitRetransmits, MaxMessageSize = o.MaxMessageSize, ReceiveWindow = o.ReceiveWindow,
        MaxBufferedAmount = o.MaxBufferedAmount, DelayedSackTime = o.DelayedSackTime, SendInit = sendInit,
    };

    /// <summary>Reads B's next message; on timeout fails with both cores' state.</summary>
    public async Task<SctpMessage> ReadAtBAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Generous);
        try
        {
            return await B.Messages.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"no message: A {A.Describe()} | B {B.Describe()}");
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        Assert.Equal(0, A.InternalErrors);
        Assert.Equal(0, B.InternalErrors);
    }
}
