namespace WebRtcPS.Engine.Sdp;

/// <summary>
/// One <c>a=</c> line (RFC 8866 §5.13): a property attribute <c>a=&lt;name&gt;</c> when
/// <see cref="Value"/> is null, or a value attribute <c>a=&lt;name&gt;:&lt;value&gt;</c>.
/// The value is kept verbatim (after the first colon) so unknown attributes round-trip unchanged.
/// </summary>
internal sealed record SdpAttribute(string Name, string? Value = null)
{
    /// <summary>The line without "a=" (e.g. <c>mid:0</c>, <c>end-of-candidates</c>).</summary>
    public override string ToString() => Value is null ? Name : $"{Name}:{Value}";

    /// <summary>Splits the text after "a=" at the first colon; an empty value stays "" (distinct from none).</summary>
    internal static SdpAttribute FromLineValue(string text)
    {
        var colon = text.IndexOf(':');
        return colon < 0 ? new SdpAttribute(text) : new SdpAttribute(text[..colon], text[(colon + 1)..]);
    }
}
