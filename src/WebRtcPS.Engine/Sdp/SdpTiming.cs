namespace WebRtcPS.Engine.Sdp;

/// <summary>
/// A <c>t=&lt;start-time&gt; &lt;stop-time&gt;</c> line (RFC 8866 §5.9) and the <c>r=</c> repeat lines
/// under it (§5.10), kept verbatim. WebRTC always writes <c>t=0 0</c> (RFC 8829 §5.2.1).
/// </summary>
internal sealed record SdpTiming(string Value)
{
    public static SdpTiming Unbounded { get; } = new("0 0");

    /// <summary>r= values under this t= line.</summary>
    public IReadOnlyList<string> Repeats { get; init; } = [];

    public bool Equals(SdpTiming? other) =>
        other is not null && Value == other.Value && Repeats.SequenceEqual(other.Repeats);

    public override int GetHashCode() => Value.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Value;
}
