using System.Text;

namespace WebRtcPS.Engine.Sdp;

/// <summary>
/// A whole SDP description (RFC 8866 §5): the session-level lines and the media sections. A general
/// model: every line it does not interpret (unknown attributes, b=, r=, k=, …) is kept so that
/// <c>Parse(text).ToString()</c> gives the text back (with CRLF line ends).
/// </summary>
/// <remarks>
/// Session attributes are one ordered list; the ones WebRTC cares about (group, ice-options,
/// msid-semantic, ice-lite, fingerprint, ice-ufrag/pwd) are read from it through helpers, so
/// their position among the others survives a round trip.
/// </remarks>
internal sealed class SdpSessionDescription
{
    /// <summary>v= (always 0, RFC 8866 §5.1).</summary>
    public int Version { get; set; }

    public required SdpOrigin Origin { get; set; }

    /// <summary>s=; JSEP writes "-" (RFC 8829 §5.2.1).</summary>
    public string SessionName { get; set; } = "-";

    public string? Information { get; set; }
    public string? Uri { get; set; }
    public List<string> Emails { get; init; } = [];
    public List<string> Phones { get; init; } = [];
    public SdpConnection? Connection { get; set; }
    public List<string> Bandwidths { get; init; } = [];
    public List<SdpTiming> Timings { get; init; } = [];
    public string? TimeZones { get; set; }
    public string? EncryptionKey { get; set; }
    public List<SdpAttribute> Attributes { get; init; } = [];
    public List<SdpMediaDescription> MediaDescriptions { get; init; } = [];

    /// <summary>All a=group lines (RFC 5888).</summary>
    public IEnumerable<SdpGroup> Groups => GetAttributeValues("group").Select(SdpGroup.Parse);

    /// <summary>The mids of the first a=group:BUNDLE, or an empty list.</summary>
    public IReadOnlyList<string> BundleMids =>
        Groups.FirstOrDefault(g => g.Semantics == SdpGroup.Bundle)?.Mids ?? [];

    /// <summary>Session-level a=ice-options tokens (RFC 8839 §5.6), e.g. "trickle".</summary>
    public IReadOnlyList<string> IceOptions =>
        GetAttributeValue("ice-options")?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];

    /// <summary>a=msid-semantic value (e.g. " WMS" from Chrome, "WMS *" from aiortc), verbatim.</summary>
    public string? MsidSemantic => GetAttributeValue("msid-semantic");

    public bool HasAttribute(string name) => Attributes.Exists(a => a.Name == name);

    public string? GetAttributeValue(string name) => Attributes.Find(a => a.Name == name)?.Value;

    public IEnumerable<string> GetAttributeValues(string name) =>
        Attributes.Where(a => a.Name == name && a.Value is not null).Select(a => a.Value!);

    /// <summary>Parses SDP text (CRLF or LF line ends). Throws <see cref="SdpParseException"/> naming the bad line.</summary>
    public static SdpSessionDescription Parse(string? text) => SdpParser.Parse(text);

    /// <summary>Parses SDP text; never throws for bad input.</summary>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SdpSessionDescription? description,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out SdpParseException? error) =>
        SdpParser.TryParse(text, out description, out error);

    /// <summary>The SDP text, each line ended by CRLF (RFC 8866 §5), fields in the RFC's order.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(1024);
        Line(sb, 'v', Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Line(sb, 'o', Origin.ToString());
        Line(sb, 's', SessionName);
        if (Information is not null) Line(sb, 'i', Information);
        if (Uri is not null) Line(sb, 'u', Uri);
        foreach (var e in Emails) Line(sb, 'e', e);
        foreach (var p in Phones) Line(sb, 'p', p);
        if (Connection is not null) Line(sb, 'c', Connection.ToString());
        foreach (var b in Bandwidths) Line(sb, 'b', b);
        foreach (var t in Timings)
        {
            Line(sb, 't', t.Value);
            foreach (var r in t.Repeats) Line(sb, 'r', r);
        }
        if (TimeZones is not null) Line(sb, 'z', TimeZones);
        if (EncryptionKey is not null) Line(sb, 'k', EncryptionKey);
        foreach (var a in Attributes) Line(sb, 'a', a.ToString());
        foreach (var m in MediaDescriptions) m.WriteTo(sb);
        return sb.ToString();
    }

    private static void Line(StringBuilder sb, char type, string value) =>
        sb.Append(type).Append('=').Append(value).Append("\r\n");
}
