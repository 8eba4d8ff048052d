namespace WebRtcPS.Engine.Nat;

/// <summary>One TURN port tried over TCP (TURN over TCP/TLS is what is left when UDP is blocked).</summary>
public sealed record NatTcpPortResult(int Port, NatTcpOutcome Outcome, string? Error = null)
{
    /// <summary>"TCP 3478: Open", with the error when there is one.</summary>
    public override string ToString() => Error is null ? $"TCP {Port}: {Outcome}" : $"TCP {Port}: {Outcome} ({Error})";
}
