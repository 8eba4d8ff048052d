using System.Net;
using System.Text;
using WebRtcPS.Engine.Stun;

namespace WebRtcPS.Engine.Ice;

/// <summary>
/// A candidate priority split into its three parts (RFC 8445 §5.1.2.1):
/// <code>
/// priority = 2^24 × type preference + 2^8 × local preference + (256 − component ID)
/// </code>
/// </summary>
public readonly record struct CandidatePriority
{
    /// <summary>Recommended type preferences (RFC 8445 §5.1.2.2).</summary>
    public const byte HostTypePreference = 126, PeerReflexiveTypePreference = 110, ServerReflexiveTypePreference = 100, RelayTypePreference = 0;

    /// <summary>Local preference of a single-homed agent (RFC 8445 §5.1.2.1).</summary>
    public const ushort MaxLocalPreference = 65535;

    /// <summary>A priority from its parts: type preference 0-126, local preference, component 1-256.</summary>
    public CandidatePriority(byte typePreference, ushort localPreference, int componentId)
    {
        if (typePreference > 126) throw new ArgumentOutOfRangeException(nameof(typePreference), typePreference, "Type preference is 0-126.");
        if (componentId is < 1 or > 256) throw new ArgumentOutOfRangeException(nameof(componentId), componentId, "Component ID is 1-256.");
        TypePreference = typePreference;
        LocalPreference = localPreference;
        ComponentId = componentId;
    }

    /// <summary>Type preference (RFC 8445 §5.1.2.2): 126 host ... 0 relay.</summary>
    public byte TypePreference { get; }
    /// <summary>Local preference: orders candidates of one type (interfaces, TCP types).</summary>
    public ushort LocalPreference { get; }
    /// <summary>The component ID (1 for a data channel).</summary>
    public int ComponentId { get; }

    /// <summary>The 32-bit priority as it appears in SDP and PRIORITY.</summary>
    public uint Value => ((uint)TypePreference << 24) | ((uint)LocalPreference << 8) | (uint)(256 - ComponentId);

    /// <summary>Splits a priority received from a peer. Type preferences above 126 (not
    /// allowed, but on the wire anyway) are kept as they are.</summary>
    public static CandidatePriority FromValue(uint priority) => new(priority);

    private CandidatePriority(uint priority)
    {
        TypePreference = (byte)(priority >> 24);
        LocalPreference = (ushort)(priority >> 8);
        ComponentId = 256 - (int)(priority & 0xFF);
    }

    /// <summary>The recommended type preference of a candidate type (RFC 8445 §5.1.2.2).</summary>
    public static byte DefaultTypePreference(RTCIceCandidateType type) => type switch
    {
        RTCIceCandidateType.Host => HostTypePreference,
        RTCIceCandidateType.Prflx => PeerReflexiveTypePreference,
        RTCIceCandidateType.Srflx => ServerReflexiveTypePreference,
        _ => RelayTypePreference,
    };

    /// <summary>The priority of a candidate of <paramref name="type"/> with the recommended
    /// type preference.</summary>
    public static uint Compute(RTCIceCandidateType type, ushort localPreference = MaxLocalPreference, int componentId = 1) =>
        new CandidatePriority(DefaultTypePreference(type), localPreference, componentId).Value;

    /// <summary>
    /// A foundation (RFC 8445 §5.1.1.3): equal for candidates with the same type, base IP
    /// address, transport and STUN/TURN server address, different otherwise. A CRC-32 of those
    /// in decimal, so it is short and made of ice-chars.
    /// </summary>
    public static string ComputeFoundation(RTCIceCandidateType type, IPAddress baseAddress, RTCIceProtocol protocol, IPAddress? serverAddress = null)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        var key = $"{type}|{baseAddress}|{protocol}|{serverAddress}";
        return Crc32.Compute(Encoding.UTF8.GetBytes(key)).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Value} (type {TypePreference}, local {LocalPreference}, component {ComponentId})";
}
