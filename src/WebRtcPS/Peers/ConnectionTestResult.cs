using WebRtcPS.Signaling.Peers;

namespace WebRtcPS;

/// <summary>Test-WrtcConnection's answer: one flat object a Pester test can assert on.</summary>
public sealed class ConnectionTestResult
{
    internal ConnectionTestResult(ConnectivityTestResult r, string mode)
    {
        Mode = mode;
        Success = r.Success;
        SelectedPairType = r.SelectedPairType;
        LocalCandidate = r.LocalCandidate;
        RemoteCandidate = r.RemoteCandidate;
        Protocol = r.Protocol;
        IceMs = r.IceMs;
        DtlsMs = r.DtlsMs;
        SetupMs = r.SetupMs;
        VerdictMs = r.VerdictMs;
        RttMs = r.RttMs;
        Error = r.Error;
        Diagnostics = r.Diagnostics;
    }

    /// <summary>Local (both peers in this process) or Remote (against a peer through -SignalingUri).</summary>
    public string Mode { get; }
    public bool Success { get; }
    public string? SelectedPairType { get; }
    public string? LocalCandidate { get; }
    public string? RemoteCandidate { get; }
    public string? Protocol { get; }
    public double? IceMs { get; }
    public double? DtlsMs { get; }
    public double? SetupMs { get; }

    /// <summary>On failure: the offer → the verdict, in milliseconds.</summary>
    public double? VerdictMs { get; }
    public double? RttMs { get; }
    public string? Error { get; }
    public string? Diagnostics { get; }

    public override string ToString() => Success ? $"Success via {SelectedPairType} ({LocalCandidate} <-> {RemoteCandidate})" : $"Failed: {Error}";
}
