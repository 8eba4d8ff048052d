using WebRtcPS.Engine.Turn;

namespace WebRtcPS;

/// <summary>Test-WrtcIceServer's answer for one STUN or TURN server.</summary>
public sealed class IceServerTestResult
{
    internal IceServerTestResult(TurnProbeResult r)
    {
        Timestamp = r.Timestamp.LocalDateTime;
        Uri = r.Uri;
        Transport = r.Transport;
        ServerAddress = r.ServerAddress;
        Reachable = r.Reachable;
        Authenticated = r.Authenticated;
        RelayedAddress = r.RelayedAddress;
        MappedAddress = r.MappedAddress;
        AllocateMs = r.AllocateMs is { } a ? Math.Round(a, 2) : null;
        RttMs = r.RttMs is { } t ? Math.Round(t, 2) : null;
        Verdict = r.VerdictText;
        Ok = r.Verdict == TurnProbeVerdict.Ok;
        ErrorCode = r.ErrorCode;
        Error = r.Error;
        CertificateCheckSkipped = r.CertificateCheckSkipped;
    }

    public DateTime Timestamp { get; }
    public string Uri { get; }

    /// <summary>udp, tcp or tls.</summary>
    public string Transport { get; }

    public string? ServerAddress { get; }
    public bool Reachable { get; }

    /// <summary>TURN: the credential was accepted.</summary>
    public bool Authenticated { get; }

    /// <summary>TURN: the relayed transport address the allocation got.</summary>
    public string? RelayedAddress { get; }

    /// <summary>The address:port the server saw (this host's public address behind a NAT).</summary>
    public string? MappedAddress { get; }

    public double? AllocateMs { get; }
    public double? RttMs { get; }

    /// <summary>OK, Authentication failed, Not reachable, Timed out, TLS error, Allocation refused or Protocol error.</summary>
    public string Verdict { get; }

    /// <summary>True when the verdict is OK (for Pester: Should -BeTrue).</summary>
    public bool Ok { get; }

    public int? ErrorCode { get; }
    public string? Error { get; }
    public bool CertificateCheckSkipped { get; }

    public override string ToString() => $"{Uri}: {Verdict}";
}
