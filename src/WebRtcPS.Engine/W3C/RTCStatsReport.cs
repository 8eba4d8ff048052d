namespace WebRtcPS.Engine.W3C;

/// <summary>W3C RTCStatsReport: the entries of one getStats call, by id.</summary>
public sealed class RTCStatsReport
{
    internal RTCStatsReport(IReadOnlyList<RTCStats> entries) => Entries = entries;

    /// <summary>Every entry, in no particular order.</summary>
    public IReadOnlyList<RTCStats> Entries { get; }

    /// <summary>The entry with <paramref name="id"/>, or null.</summary>
    public RTCStats? this[string id] => Entries.FirstOrDefault(e => e.Id == id);

    /// <summary>The entries of one stats type.</summary>
    /// <typeparam name="T">RTCTransportStats, RTCIceCandidatePairStats...</typeparam>
    public IEnumerable<T> OfType<T>() where T : RTCStats => Entries.OfType<T>();

    /// <summary>The selected candidate pair, when there is one.</summary>
    public RTCIceCandidatePairStats? SelectedCandidatePair =>
        OfType<RTCTransportStats>().FirstOrDefault()?.SelectedCandidatePairId is { } id ? this[id] as RTCIceCandidatePairStats : null;
}
