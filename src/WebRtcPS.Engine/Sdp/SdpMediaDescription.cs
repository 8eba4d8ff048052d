using System.Globalization;
using System.Text;

namespace WebRtcPS.Engine.Sdp;

/// <summary>
/// A media section (RFC 8866 §5.14): the <c>m=&lt;media&gt; &lt;port&gt;[/&lt;number of ports&gt;] &lt;proto&gt; &lt;fmt&gt; ...</c>
/// line and the i=, c=, b=, k= and a= lines under it. Attributes keep their order.
/// </summary>
internal sealed class SdpMediaDescription
{
    /// <summary>audio, video, text, application or message.</summary>
    public required string Media { get; set; }

    /// <summary>Transport port; 0 rejects the section (RFC 8829 §5.3.1), 9 is JSEP's dummy (discard) port.</summary>
    public int Port { get; set; }

    /// <summary>The optional "/&lt;number of ports&gt;" suffix of the port.</summary>
    public int? NumberOfPorts { get; set; }

    /// <summary>e.g. UDP/DTLS/SCTP, TCP/DTLS/SCTP, DTLS/SCTP, UDP/TLS/RTP/SAVPF.</summary>
    public required string Proto { get; set; }

    /// <summary>Media formats: payload types for RTP, "webrtc-datachannel" or an SCTP port for data.</summary>
    public List<string> Formats { get; init; } = [];

    public string? Information { get; set; }

    public SdpConnection? Connection { get; set; }

    /// <summary>b= values (e.g. "AS:30"), in order.</summary>
    public List<string> Bandwidths { get; init; } = [];

    /// <summary>The obsolete k= line, kept for round trip.</summary>
    public string? EncryptionKey { get; set; }

    public List<SdpAttribute> Attributes { get; init; } = [];

    /// <summary>1-based line of the m= line in the parsed text; 0 when built in code.</summary>
    public int LineNumber { get; internal set; }

    /// <summary>True when the port is 0: the section is rejected or disabled (RFC 8829 §5.3.1).</summary>
    public bool IsRejected => Port == 0;

    /// <summary>a=mid (RFC 5888 §4), the section's identification tag, or null.</summary>
    public string? Mid => GetAttributeValue("mid");

    /// <summary>The m= line's value, without "m=".</summary>
    public string MediaLine
    {
        get
        {
            var sb = new StringBuilder(Media).Append(' ').Append(Port.ToString(CultureInfo.InvariantCulture));
            if (NumberOfPorts is { } n) sb.Append('/').Append(n.ToString(CultureInfo.InvariantCulture));
            sb.Append(' ').Append(Proto);
            foreach (var f in Formats) sb.Append(' ').Append(f);
            return sb.ToString();
        }
    }

    /// <summary>True when an attribute of that name is present (names compare case-sensitively, as browsers write them).</summary>
    public bool HasAttribute(string name) => Attributes.Exists(a => a.Name == name);

    /// <summary>The first value of the named attribute, or null.</summary>
    public string? GetAttributeValue(string name) => Attributes.Find(a => a.Name == name)?.Value;

    /// <summary>All values of the named attribute, in order.</summary>
    public IEnumerable<string> GetAttributeValues(string name) =>
        Attributes.Where(a => a.Name == name && a.Value is not null).Select(a => a.Value!);

    internal void WriteTo(StringBuilder sb)
    {
        // RFC 8866 §5 fixes the order: m, i, c, b, k, a.
        sb.Append("m=").Append(MediaLine).Append("\r\n");
        if (Information is not null) sb.Append("i=").Append(Information).Append("\r\n");
        if (Connection is not null) sb.Append("c=").Append(Connection).Append("\r\n");
        foreach (var b in Bandwidths) sb.Append("b=").Append(b).Append("\r\n");
        if (EncryptionKey is not null) sb.Append("k=").Append(EncryptionKey).Append("\r\n");
        foreach (var a in Attributes) sb.Append("a=").Append(a).Append("\r\n");
    }
}
