namespace WebRtcPS.Engine.Ice;

/// <summary>Pair priority (RFC 8445 §6.1.2.3), with G the controlling agent's candidate priority
/// and D the controlled agent's:
/// <code>pair priority = 2^32 × MIN(G, D) + 2 × MAX(G, D) + (G &gt; D ? 1 : 0)</code></summary>
internal static class CandidatePairPriority
{
    public static ulong Compute(uint controlling, uint controlled) =>
        ((ulong)Math.Min(controlling, controlled) << 32) + 2UL * Math.Max(controlling, controlled) + (controlling > controlled ? 1UL : 0UL);

    /// <summary>The priority as seen by an agent in <paramref name="role"/>.</summary>
    public static ulong Compute(RTCIceRole role, uint localPriority, uint remotePriority) =>
        role == RTCIceRole.Controlling ? Compute(localPriority, remotePriority) : Compute(remotePriority, localPriority);
}
