namespace WebRtcPS.Engine.Sdp;

/// <summary>
/// The W3C RTCSessionDescriptionInit / RTCSessionDescription (webrtc-pc §4.8.1): a type and the SDP
/// text as it travels in signaling. A rollback carries no SDP (an empty string).
/// </summary>
public sealed record RTCSessionDescription
{
    /// <summary>A description of <paramref name="type"/>; every type but rollback needs <paramref name="sdp"/>.</summary>
    /// <exception cref="ArgumentException">The SDP text is missing.</exception>
    public RTCSessionDescription(RTCSdpType type, string? sdp)
    {
        if (type != RTCSdpType.Rollback && string.IsNullOrEmpty(sdp))
            throw new ArgumentException($"An {type.ToWireName()} needs SDP text.", nameof(sdp));
        Type = type;
        Sdp = sdp ?? string.Empty;
    }

    /// <summary>The description's type.</summary>
    public RTCSdpType Type { get; }

    /// <summary>The SDP text (RFC 8866); empty for a rollback.</summary>
    public string Sdp { get; }

    /// <summary>Wraps a built description (serialized with CRLF line ends).</summary>
    internal static RTCSessionDescription From(RTCSdpType type, SdpSessionDescription description) =>
        new(type, description.ToString());

    /// <summary>Parses <see cref="Sdp"/>; throws <see cref="SdpParseException"/> naming the bad line.</summary>
    internal SdpSessionDescription Parse() => SdpSessionDescription.Parse(Sdp);

    /// <summary>The data-channel view of <see cref="Sdp"/>; throws <see cref="SdpParseException"/>.</summary>
    internal DataChannelSessionDescription ToDataChannelDescription() => DataChannelSessionDescription.FromSdp(Parse());

    /// <inheritdoc/>
    public override string ToString() => $"{Type.ToWireName()} ({Sdp.Length} chars)";
}
