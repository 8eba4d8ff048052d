namespace WebRtcPS.Engine.Sctp;

/// <summary>Reordering is not loss. A chunk overtaken by three later ones gets the three miss
/// indications of fast retransmit (RFC 9260 §7.2.4) though it is only late, and each such
/// retransmission halves cwnd. Two remedies, as RACK-TLP gives TCP:
/// <list type="bullet">
/// <item>A reordering window (RFC 8985 §6.2): once a chunk sent once is acknowledged after a
/// later TSN was (reordering seen), a chunk with three miss indications is judged lost only when
/// it has been outstanding for RACK.rtt (the round trip of the most recently sent chunk
/// acknowledged) plus reo_wnd; reo_wnd starts at min_RTT/4, grows by that much in each round trip
/// in which a retransmission proves spurious, at most to SRTT, and falls back after 16 recoveries
/// without one.</item>
/// <item>Spurious retransmission detection and undo (RFC 3708 with SCTP's duplicate TSN reports
/// standing for DSACK, RFC 9260 §6.2; RFC 4015's response): a chunk judged lost was not lost if
/// it is acknowledged before its retransmission left, or less than half min_RTT after it left (the
/// acknowledgement was the original's, as RFC 8985 §6.2 step 2 reasons), or if the peer reports its TSN as
/// a duplicate. When every chunk a recovery judged lost proves so, cwnd and ssthresh return to
/// their values before it and fast recovery ends.</item>
/// </list>
/// Before any reordering is seen the sender behaves exactly as without this file.</summary>
internal sealed partial class SctpAssociationCore
{
    private const int ReorderingWindowPersistence = 16;

    // RACK (RFC 8985 §6.2).
    private bool _reorderingSeen;
    private bool _anyAcked;
    private uint _highestAcked;                 // RACK.fack
    private uint _highestAckedBeforeSack;
    private TimeSpan _rackSentAt = TimeSpan.MinValue;
    private TimeSpan? _rackRtt;
    private TimeSpan? _minRtt;
    private int _reoWndMult = 1;
    private int _reoWndPersist;
    private uint? _dsackRound;
    private bool _wasInFastRecovery;

    // The current recovery: cwnd and ssthresh before it, and its chunks not yet proven not lost.
    private readonly List<OutboundChunk> _justJudgedLost = [];
    private readonly Dictionary<uint, (int Recovery, OutboundChunk Chunk)> _judgedLost = [];
    private int _recovery;
    private int _recoveryUnproven;
    private bool _recoveryUndoable;
    private int _recoveryCwnd, _recoverySsthresh;
    private long _recoveryTimeouts;

    /// <summary>Chunks judged lost and then proven only late (reordered or delayed).</summary>
    public long SpuriousFastRetransmissions { get; private set; }

    /// <summary>Fast recoveries whose cwnd/ssthresh reduction was undone (all their retransmissions spurious).</summary>
    public long FastRecoveriesUndone { get; private set; }

    /// <summary>RACK's reo_wnd: zero until reordering is seen.</summary>
    public TimeSpan ReorderingWindow =>
        !_reorderingSeen || _minRtt is not { } min ? TimeSpan.Zero
        : TimeSpan.FromTicks(Math.Min(min.Ticks * _reoWndMult / 4, (_rto.Srtt ?? min).Ticks));

    /// <summary>How long after it was sent a chunk with three miss indications is judged lost.</summary>
    private TimeSpan RackWindow => (_rackRtt ?? TimeSpan.Zero) + ReorderingWindow;

    /// <summary>A chunk with three miss indications is lost at once, or, once reordering was seen,
    /// when RACK.rtt + reo_wnd has passed since it was sent (the loss timer comes back for it).</summary>
    private bool ReorderingWindowPassed(OutboundChunk c, TimeSpan now) => !_reorderingSeen || c.LastSent + RackWindow <= now;

    /// <summary>When the loss timer judges a chunk with a miss indication lost.</summary>
    private TimeSpan LossDeadline(OutboundChunk c, TimeSpan overdue)
    {
        if (!_reorderingSeen) return c.LastSent + overdue;
        var rack = RackWindow;
        return c.LastSent + (c.MissIndications >= 3 ? rack : overdue > rack ? overdue : rack);
    }

    /// <summary>Before a SACK is processed: RACK.fack as it was, the end of a recovery (reo_wnd's
    /// persistence), the DSACK round, and the duplicate TSNs it reports.</summary>
    private void BeforeSack(SackChunk sack)
    {
        if (!SendsData(State) && State is not AssociationState.ShutdownSent) return;
        _highestAckedBeforeSack = _anyAcked ? _highestAcked : _cumAckPoint;   // (TSNs are serial numbers: no 0 before the first)
        if (_wasInFastRecovery && !_cc.InFastRecovery && --_reoWndPersist <= 0) _reoWndMult = 1;
        _wasInFastRecovery = _cc.InFastRecovery;
        if (_dsackRound is { } round && Tsn.Gte(_cumAckPoint, round)) _dsackRound = null;
        // Both copies arrived: the original and its one retransmission (a chunk sent three times
        // proves nothing by a duplicate; the path's own duplicates are rare enough to accept).
        foreach (var tsn in sack.DuplicateTsns)
            if (_judgedLost.TryGetValue(tsn, out var j) && j.Chunk.Transmissions == 2) ProvenNotLost(tsn, j.Recovery);
        if (_judgedLost.Count > 256) ForgetOldJudgements();
    }

    /// <summary>Called for every chunk newly acknowledged (cumulatively or by a gap block).</summary>
    private void OnAcknowledged(OutboundChunk c, TimeSpan now)
    {
        var sample = now - c.LastSent;
        if (c.Transmissions == 1)
        {
            if (_minRtt is not { } min || sample < min) _minRtt = sample;
            // RFC 8985 §6.2 step 3: sent once and delivered after a higher TSN was: reordered.
            if (Tsn.Lt(c.Tsn, _highestAckedBeforeSack)) _reorderingSeen = true;
        }
        // Step 2: the most recently sent chunk delivered; a retransmission only when its
        // acknowledgement cannot be the original's.
        var unambiguous = c.Transmissions == 1 || _minRtt is not { } m || sample >= m;
        if (unambiguous && c.LastSent >= _rackSentAt)
        {
            _rackSentAt = c.LastSent;
            _rackRtt = sample;
        }
        if (!_anyAcked || Tsn.Gt(c.Tsn, _highestAcked))
        {
            _highestAcked = c.Tsn;
            _anyAcked = true;
        }
        if (!_judgedLost.TryGetValue(c.Tsn, out var j)) return;
        // The original arrived: never sent again, or acknowledged too soon after its one retransmission.
        // (Half min_RTT, not min_RTT: a retransmission alone in a small packet crosses a link faster
        // than the full packets min_RTT was measured with.)
        if (c.Transmissions == 1 || c.Transmissions == 2 && _minRtt is { } least && sample < least / 2) ProvenNotLost(c.Tsn, j.Recovery);
    }

    /// <summary>A chunk was judged lost (marked for fast retransmission).</summary>
    private void JudgedLost(OutboundChunk c) => _justJudgedLost.Add(c);

    /// <summary>Called as fast recovery is entered (or continued) for the chunks just judged lost:
    /// a new recovery keeps cwnd and ssthresh as they were for a possible undo.</summary>
    private void OpenRecovery()
    {
        if (!_cc.InFastRecovery)
        {
            _recovery++;
            _recoveryUnproven = 0;
            _recoveryUndoable = true;
            _recoveryCwnd = _cc.Cwnd;
            _recoverySsthresh = _cc.Ssthresh;
            _recoveryTimeouts = Timeouts;
        }
        foreach (var c in _justJudgedLost)
        {
            _recoveryUnproven++;
            // Only an original judged lost can be proven not lost (a retransmission judged lost
            // again: no report would say which copy arrived).
            if (c.Transmissions == 1) _judgedLost[c.Tsn] = (_recovery, c);
            else _recoveryUndoable = false;
        }
        _justJudgedLost.Clear();
    }

    private void ProvenNotLost(uint tsn, int recovery)
    {
        _judgedLost.Remove(tsn);
        SpuriousFastRetransmissions++;
        _reorderingSeen = true;
        if (_dsackRound is null)
        {
            // RFC 8985 §6.2 step 4: reo_wnd grows once per round trip with spurious retransmissions.
            _dsackRound = _nextTsn - 1;
            _reoWndMult = Math.Min(_reoWndMult + 1, 64);
            _reoWndPersist = ReorderingWindowPersistence;
        }
        if (recovery != _recovery || --_recoveryUnproven > 0 || !_recoveryUndoable || Timeouts != _recoveryTimeouts) return;
        _recoveryUndoable = false;
        _cc.UndoFastRetransmit(_recoveryCwnd, _recoverySsthresh);
        FastRecoveriesUndone++;
    }

    /// <summary>Judgements far below the cumulative ack will get no duplicate report any more
    /// (and the chunks they hold may go).</summary>
    private void ForgetOldJudgements()
    {
        foreach (var (tsn, j) in _judgedLost.ToList())
        {
            if (!Tsn.Lt(tsn, _cumAckPoint - 1024)) continue;
            _judgedLost.Remove(tsn);
            if (j.Recovery == _recovery) _recoveryUndoable = false;
        }
    }
}
