using WebRtcPS.Engine.Sctp;
using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Engine.Tests.Sctp;

/// <summary>The two cores of a <see cref="CorePair"/> over a simulated link on its manual clock:
/// each packet is lost, duplicated or delayed (a random delay, so packets also overtake each other)
/// from a seed, and time jumps from one packet arrival or timer deadline to the next. Runs that
/// take seconds of protocol time finish in milliseconds and reproduce exactly from the seed.</summary>
internal sealed class LossyCoreLink
{
    private readonly CorePair _pair;
    private readonly Random _random;
    private readonly LinkImpairment _impairment;
    private readonly PriorityQueue<(bool ToB, SctpPacket Packet), TimeSpan> _wire = new();

    public LossyCoreLink(CorePair pair, int seed, LinkImpairment impairment)
    {
        _pair = pair;
        _random = new Random(seed);
        _impairment = impairment;
    }

    /// <summary>One-way delay; each packet gets this plus up to <see cref="Jitter"/>.</summary>
    public TimeSpan Delay { get; init; } = TimeSpan.FromMilliseconds(5);
    public TimeSpan Jitter { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>How long a packet picked by <see cref="LinkImpairment.ReorderRate"/> is held back
    /// beyond its delay, so the ones behind overtake it (the impairment relay's reorder hold).</summary>
    public TimeSpan ReorderHold { get; init; } = TimeSpan.FromMilliseconds(3);

    /// <summary>A bottleneck each way (bytes per second of SCTP packet), or null for none: a packet
    /// leaves after those queued before it, so a sender that overruns it builds a queue (and delay).</summary>
    public double? BytesPerSecond { get; init; }

    private TimeSpan _aToBFree, _bToAFree;

    private TimeSpan Now => _pair.A.Now;

    public void FromA(IEnumerable<SctpPacket> packets) => Send(toB: true, packets);
    public void FromB(IEnumerable<SctpPacket> packets) => Send(toB: false, packets);

    /// <summary>Delivers packets and fires timers in time order until <paramref name="until"/>
    /// (protocol time) or until <paramref name="done"/> holds.</summary>
    public void RunUntil(TimeSpan until, Func<bool>? done = null)
    {
        while (done?.Invoke() != true)
        {
            var next = Earliest(_wire.TryPeek(out _, out var arrival) ? arrival : null, _pair.A.NextDeadline, _pair.B.NextDeadline);
            if (next is not { } at || at > until) break;
            if (at > Now) _pair.Clock.Advance(at - Now);
            while (_wire.TryPeek(out var item, out var due) && due <= Now)
            {
                _wire.Dequeue();
                var replies = (item.ToB ? _pair.B : _pair.A).HandlePacket(CorePair.OverTheWire(item.Packet));
                Send(!item.ToB, replies);
            }
            if (_pair.A.NextDeadline <= Now) FromA(_pair.A.OnTimer());
            if (_pair.B.NextDeadline <= Now) FromB(_pair.B.OnTimer());
        }
        if (until > Now && done?.Invoke() != true) _pair.Clock.Advance(until - Now);
    }

    private void Send(bool toB, IEnumerable<SctpPacket> packets)
    {
        foreach (var packet in packets)
        {
            (toB ? _pair.AToB : _pair.BToA).Add(packet);
            if (_random.NextDouble() < _impairment.LossRate) continue;
            var copies = _random.NextDouble() < _impairment.DuplicateRate ? 2 : 1;
            var sent = Now;
            if (BytesPerSecond is { } rate)
            {
                ref var free = ref toB ? ref _aToBFree : ref _bToAFree;
                sent = (free > Now ? free : Now) + TimeSpan.FromSeconds(packet.EncodedLength / rate);
                free = sent;
            }
            // Drawn only when reordering is asked for, so seeded runs without it stay as they were.
            var hold = _impairment.ReorderRate > 0 && _random.NextDouble() < _impairment.ReorderRate ? ReorderHold : TimeSpan.Zero;
            for (var i = 0; i < copies; i++) _wire.Enqueue((toB, packet), sent + Delay + hold + Jitter * _random.NextDouble());
        }
    }

    private static TimeSpan? Earliest(params TimeSpan?[] times) => times.Where(t => t is not null).Min();
}
