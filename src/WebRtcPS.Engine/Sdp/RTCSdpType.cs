using System.Diagnostics.CodeAnalysis;

namespace WebRtcPS.Engine.Sdp;

/// <summary>The W3C RTCSdpType (webrtc-pc §4.8.1.1); its wire names are lower case.</summary>
public enum RTCSdpType
{
    Offer,
    Pranswer,
    Answer,
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
