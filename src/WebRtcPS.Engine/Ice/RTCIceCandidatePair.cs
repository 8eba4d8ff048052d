namespace WebRtcPS.Engine.Ice;

/// <summary>W3C RTCIceCandidatePair: a local and a remote candidate.</summary>
public sealed record RTCIceCandidatePair(RTCIceCandidate Local, RTCIceCandidate Remote)
{
    /// <summary>"host 192.0.2.1:5000 &lt;-&gt; srflx 198.51.100.7:6000".</summary>
    public override string ToString() =>
        $"{Local.Type.ToString().ToLowerInvariant()} {Endpoint(Local)} <-> {Remote.Type.ToString().ToLowerInvariant()} {Endpoint(Remote)}";

    private static string Endpoint(RTCIceCandidate c) => c.Address.Contains(':') ? $"[{c.Address}]:{c.Port}" : $"{c.Address}:{c.Port}";
}
