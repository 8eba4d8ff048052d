using System.Net;

namespace WebRtcPS.Engine.Nat;

/// <summary>What <see cref="NatBehaviorRules.Decide"/> concluded from <see cref="NatObservations"/>.</summary>
internal sealed record NatBehaviorReport
{
    public required string StunServer { get; init; }
    public required IPEndPoint ServerAddress { get; init; }

    /// <summary>The server's alternate address (OTHER-ADDRESS); null when it gave none.</summary>
    public IPEndPoint? OtherAddress { get; init; }

    /// <summary>This host's endpoint of the mapping test.</summary>
    public required IPEndPoint LocalAddress { get; init; }

    /// <summary>The endpoint the server saw (the public one behind a NAT); null without an answer.</summary>
    public IPEndPoint? MappedAddress { get; init; }

    public NatMappingBehavior MappingBehavior { get; init; }
    public NatFilteringBehavior FilteringBehavior { get; init; }

    /// <summary>§4.5: this host reaches its own mapped address; null when not tried.</summary>
    public bool? Hairpinning { get; init; }

    /// <summary>The mapped port is the local port; null without a mapped address.</summary>
    public bool? PortPreserved { get; init; }

    /// <summary>No answer at all over UDP, from two sockets, within the timeout.</summary>
    public bool UdpBlocked { get; init; }

    /// <summary>At least one TURN port accepts TCP; null when none was tried.</summary>
    public bool? TcpReachable { get; init; }

    public IReadOnlyList<NatTcpPortResult> TcpPorts { get; init; } = [];

    /// <summary>True when the server sent OTHER-ADDRESS (it supports RFC 5780's tests).</summary>
    public bool Rfc5780Supported { get; init; }

    public NatVerdict Verdict { get; init; }

    /// <summary>The verdict in plain words.</summary>
    public required string VerdictText { get; init; }

    /// <summary>Why something is Unknown (or null when everything was measured).</summary>
    public string? Reason { get; init; }

    /// <summary>Each Binding test and its outcome, in order.</summary>
    public IReadOnlyList<NatProbe> Probes { get; init; } = [];

    public DateTimeOffset Timestamp { get; init; }
    public TimeSpan Elapsed { get; init; }
}
