namespace WebRtcPS.Engine.Sdp;

/// <summary>
/// <c>a=group:&lt;semantics&gt; *(SP &lt;identification-tag&gt;)</c> (RFC 5888 §5); BUNDLE (RFC 8843 §7)
/// lists the mids that share one transport, the first being the offerer's tagged section.
/// </summary>
internal sealed record SdpGroup(string Semantics, IReadOnlyList<string> Mids)
{
    public const string Bundle = "BUNDLE";

    public bool Equals(SdpGroup? other) =>
        other is not null && Semantics == other.Semantics && Mids.SequenceEqual(other.Mids);

    public override int GetHashCode() => Semantics.GetHashCode(StringComparison.Ordinal);

    /// <summary>The attribute value, e.g. "BUNDLE 0 1".</summary>
    public override string ToString() => Mids.Count == 0 ? Semantics : $"{Semantics} {string.Join(' ', Mids)}";

    public static SdpGroup Parse(string value)
    {
        var f = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new SdpGroup(f.Length > 0 ? f[0] : string.Empty, f.Skip(1).ToArray());
    }
}
