using WebRtcPS.Engine.Sctp;

namespace WebRtcPS.Engine.Tests.Sctp;

/// <summary>Two association cores driven by hand on a manual clock: every packet goes through the
/// codec (write, parse) and can be dropped by a filter. Fully deterministic.</summary>
internal sealed class CorePair
{
    public CorePair(SctpAssociationOptions? options = null)
    {
        options ??= new SctpAssociationOptions();
        A = new SctpAssociationCore(options, 1200, Clock);
        B = new SctpAssociationCore(options, 1200, Clock);
    }

    public ManualTimeProvider Clock { get; } = new();
    public SctpAssociationCore A { get; }
    public SctpAssociationCore B { get; }
    public Func<SctpPacket, bool>? DropAToB { get; set; }
    public Func<SctpPacket, bool>? DropBToA { get; set; }
    public List<SctpPacket> AToB { get; } = [];
    public List<SctpPacket> BToA { get; } = [];

    public static SctpPacket OverTheWire(SctpPacket packet)
    {
        Assert.True(SctpPacket.TryParse(packet.ToArray(), out var parsed));
        return parsed;
    }

    public static bool HasData(SctpPacket p) => p.Chunks.Any(c => c is DataChunk);

    /// <summary>Delivers packets both ways until neither side has anything more to say.</summary>
    public void Pump(IEnumerable<SctpPacket> fromA, IEnumerable<SctpPacket>? fromB = null)
    {
        var ab = new Queue<SctpPacket>(fromA);
        var ba = new Queue<SctpPacket>(fromB ?? []);
        for (var i = 0; i < 100_000 && (ab.Count > 0 || ba.Count > 0); i++)
        {
            if (ab.TryDequeue(out var p))
            {
                AToB.Add(p);
                if (DropAToB?.Invoke(p) != true) foreach (var r in B.HandlePacket(OverTheWire(p))) ba.Enqueue(r);
            }
            if (ba.TryDequeue(out var q))
            {
                BToA.Add(q);
                if (DropBToA?.Invoke(q) != true) foreach (var r in A.HandlePacket(OverTheWire(q))) ab.Enqueue(r);
            }
        }
    }

    public void Establish()
    {
        Pump(A.Connect());
        Assert.Equal(AssociationState.Established, A.State);
        Assert.Equal(AssociationState.Established, B.State);
        AToB.Clear();
        BToA.Clear();
    }

    /// <summary>Moves the clock and lets both sides' due timers fire.</summary>
    public void Advance(TimeSpan by)
    {
        Clock.Advance(by);
        Pump(A.OnTimer(), B.OnTimer());
    }
}
