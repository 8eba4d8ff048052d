namespace WebRtcPS;

/// <summary>What one STUN/TURN server gave during gathering.</summary>
public sealed class IceServerGatheringResult
{
    internal IceServerGatheringResult(string url, bool succeeded, string? mappedAddress, string? error)
    {
        Url = url;
        Succeeded = succeeded;
        MappedAddress = mappedAddress;
        Error = error;
    }

    public string Url { get; }
    public bool Succeeded { get; }

    /// <summary>The address:port the server saw (srflx) or relayed (relay).</summary>
    public string? MappedAddress { get; }

    public string? Error { get; }

    public override string ToString() => Succeeded ? $"{Url}: {MappedAddress}" : $"{Url}: {Error}";
}

/// <summary>The end of a Get-WrtcIceCandidate run: how long gathering took and what each server gave.</summary>
public sealed class IceGatheringSummary
{
    internal IceGatheringSummary(double elapsedMs, bool completed, int host, int srflx, int relay, IReadOnlyList<IceServerGatheringResult> servers)
    {
        GatheringMs = elapsedMs;
        Completed = completed;
        HostCandidates = host;
        ServerReflexiveCandidates = srflx;
        RelayCandidates = relay;
        ServerResults = servers.ToArray();
        Servers = string.Join("; ", servers.Select(s => s.ToString()));
    }

    /// <summary>Milliseconds from the start until gathering completed (or the timeout).</summary>
    public double GatheringMs { get; }

    /// <summary>False when the timeout ended gathering.</summary>
    public bool Completed { get; }

    public int HostCandidates { get; }
    public int ServerReflexiveCandidates { get; }
    public int RelayCandidates { get; }

    /// <summary>Per-server results, one line each, for CSV.</summary>
    public string Servers { get; }

    public IceServerGatheringResult[] ServerResults { get; }
}
