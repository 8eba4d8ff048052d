namespace WebRtcPS.Engine.Sctp;

/// <summary>Tail loss probes (RFC 8985 §7, for SCTP): with a small cwnd (heavy loss) every packet
/// in flight, or every SACK for them, is lost now and then; nothing then comes back and only
/// T3-rtx would resume, after RTO.Min (200 ms on a path of a few milliseconds) and with cwnd at
/// one MTU. Instead, when no SACK has acknowledged anything for about an RTO without its RTO.Min
/// clamp (SRTT + 4·RTTVAR), one new DATA chunk is sent beyond cwnd: its SACK reports what is
/// missing, so the loss is repaired by fast retransmission. Each probe without progress doubles
/// the wait; T3-rtx still runs underneath and takes over once the waits exceed it.</summary>
internal sealed partial class SctpAssociationCore
{
    private TimeSpan? _probeTimer;
    private int _probeBackoff;
    private bool _probeNow;

    /// <summary>Probes sent (new DATA beyond cwnd when nothing came back).</summary>
    public long Probes { get; private set; }

    private bool ProbeApplies => SendsData(State) && _flightSize > 0 && _pendingChunks > 0 && _cc.Cwnd <= SmallWindowPackets * _mtu;

    /// <summary>Called after each step's DATA: starts the probe wait when it applies, else stops it.</summary>
    private void ArmProbeTimer()
    {
        if (!ProbeApplies || _rto.UnclampedRto is not { } pto)
        {
            _probeTimer = null;
            return;
        }
        _probeTimer ??= Now + pto * (1 << Math.Min(_probeBackoff, 10));
    }

    /// <summary>A SACK acknowledged new data: the path works, probing starts over.</summary>
    private void ProbeProgress()
    {
        _probeTimer = null;
        _probeBackoff = 0;
    }

    private void OnProbeTimer()
    {
        _probeTimer = null;
        if (!ProbeApplies || _t3 is { } t3 && t3 <= Now) return;
        _probeBackoff++;
        _probeNow = true;
    }
}
