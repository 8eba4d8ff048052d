using System.Diagnostics.CodeAnalysis;

namespace WebRtcPS.Engine.Sdp;

/// <summary>The W3C RTCSdpType (webrtc-pc §4.8.1.1); its wire names are lower case.</summary>
public enum RTCSdpType
{
    /// <summary>An offer (JSEP, RFC 8829 §5.2).</summary>
    Offer,
    /// <summary>A provisional answer.</summary>
    Pranswer,
    /// <summary>A final answer (RFC 8829 §5.3).</summary>
    Answer,
    /// <summary>Undoes the pending offer (RFC 8829 §4.1.8.2); carries no SDP.</summary>
    Rollback,
}

/// <summary>Conversions between <see cref="RTCSdpType"/> and its wire names ("offer", "pranswer", "answer", "rollback").</summary>
internal static class RTCSdpTypeNames
{
    public static string ToWireName(this RTCSdpType type) => type switch
    {
        RTCSdpType.Offer => "offer",
        RTCSdpType.Pranswer => "pranswer",
        RTCSdpType.Answer => "answer",
        RTCSdpType.Rollback => "rollback",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown RTCSdpType."),
    };

    /// <summary>Parses a wire name exactly (the W3C enum is case-sensitive).</summary>
    public static bool TryParse(string? name, [NotNullWhen(true)] out RTCSdpType? type)
    {
        type = name switch
        {
            "offer" => RTCSdpType.Offer,
            "pranswer" => RTCSdpType.Pranswer,
            "answer" => RTCSdpType.Answer,
            "rollback" => RTCSdpType.Rollback,
            _ => null,
        };
        return type is not null;
    }
}
