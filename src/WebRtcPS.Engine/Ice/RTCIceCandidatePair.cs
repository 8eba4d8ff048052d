namespace WebRtcPS.Engine.Ice;

/// <summary>W3C RTCIceCandidatePair: a local and a remote candidate.</summary>
public sealed record RTCIceCandidatePair(RTCIceCandidate Local, RTCIceCandidate Remote)
{
    public override string ToString() =>
        $"{Local.Type.ToString().ToLowerInvariant()} {Endpoint(Local)} <-> {Remote.Type.ToString().ToLowerInvariant()} {Endpoint(Remote)}";

    private static string Endpoint(RTCIceCandidate c) => c.Address.Contains(':') ? $"[{c.Address}]:{c.Port}" : $"{c.Address}:{c.Port}";
}
