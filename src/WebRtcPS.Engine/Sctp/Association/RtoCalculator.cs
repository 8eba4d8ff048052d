namespace WebRtcPS.Engine.Sctp;

/// <summary>Retransmission timeout (RFC 9260 §6.3.1): SRTT and RTTVAR smoothed with α = 1/8 and
/// β = 1/4, RTO = SRTT + 4·RTTVAR clamped to [RTO.Min, RTO.Max]; doubled on each expiry (§6.3.3 E2).</summary>
internal sealed class RtoCalculator
{
    private readonly TimeSpan _min;
    private readonly TimeSpan _max;
    private double _srttMs;
    private double _rttvarMs;
    private bool _hasMeasurement;

    public RtoCalculator(TimeSpan initial, TimeSpan min, TimeSpan max)
    {
        _min = min;
        _max = max;
        Rto = Clamp(initial);
    }

    /// <summary>The current retransmission timeout.</summary>
    public TimeSpan Rto { get; private set; }

    /// <summary>The smoothed round-trip time, or null before the first measurement.</summary>
    public TimeSpan? Srtt => _hasMeasurement ? TimeSpan.FromMilliseconds(_srttMs) : null;

    /// <summary>SRTT + 4·RTTVAR without the RTO.Min clamp or back-off, or null before the first
    /// measurement: how long an acknowledgement can take on this path when nothing is lost.</summary>
    public TimeSpan? UnclampedRto => _hasMeasurement ? TimeSpan.FromMilliseconds(_srttMs + 4 * Math.Max(_rttvarMs, 1)) : null;

    /// <summary>Feeds one RTT measurement (rules C1..C3; Karn's rule is the caller's job).</summary>
    public void AddMeasurement(TimeSpan rtt)
    {
        var r = Math.Max(0, rtt.TotalMilliseconds);
        if (!_hasMeasurement)
        {
            _srttMs = r;
            _rttvarMs = r / 2;
            _hasMeasurement = true;
        }
        else
        {
            _rttvarMs = 0.75 * _rttvarMs + 0.25 * Math.Abs(_srttMs - r);
            _srttMs = 0.875 * _srttMs + 0.125 * r;
        }
        Rto = Clamp(TimeSpan.FromMilliseconds(_srttMs + 4 * Math.Max(_rttvarMs, 1)));
    }

    /// <summary>Doubles the RTO after a timer expiry (§6.3.3 E2), up to RTO.Max.</summary>
    public void Backoff() => Rto = Clamp(Rto * 2);

    private TimeSpan Clamp(TimeSpan value) => value < _min ? _min : value > _max ? _max : value;
}
