using WebRtcPS.Engine.Nat;

namespace WebRtcPS;

/// <summary>Get-WrtcNatBehavior's answer: this host's NAT as RFC 5780 measures it, and what it
/// means for WebRTC.</summary>
public sealed class NatBehavior
{
    internal NatBehavior(NatBehaviorReport r)
    {
        Timestamp = r.Timestamp.LocalDateTime;
        StunServer = r.StunServer;
        ServerAddress = r.ServerAddress.ToString();
        OtherAddress = r.OtherAddress?.ToString();
        LocalAddress = r.LocalAddress.ToString();
        MappedAddress = r.MappedAddress?.ToString();
        MappingBehavior = r.MappingBehavior.ToString();
        FilteringBehavior = r.FilteringBehavior.ToString();
        Hairpinning = r.Hairpinning;
        PortPreserved = r.PortPreserved;
        UdpBlocked = r.UdpBlocked;
        TcpReachable = r.TcpReachable;
        TcpOpenPorts = string.Join(", ", r.TcpPorts.Where(p => p.Outcome == NatTcpOutcome.Open).Select(p => p.Port));
        Rfc5780Supported = r.Rfc5780Supported;
        Verdict = r.VerdictText;
        Reason = r.Reason;
        ElapsedMs = Math.Round(r.Elapsed.TotalMilliseconds, 1);
    }

    public DateTime Timestamp { get; }

    /// <summary>The server as given, stun:HOST:PORT.</summary>
    public string StunServer { get; }

    /// <summary>The server address the tests started from.</summary>
    public string ServerAddress { get; }

    /// <summary>The server's alternate address (RFC 5780 OTHER-ADDRESS); empty when it has none.</summary>
    public string? OtherAddress { get; }

    /// <summary>This host's address:port the tests were sent from.</summary>
    public string LocalAddress { get; }

    /// <summary>The address:port the server saw: the public side of the NAT.</summary>
    public string? MappedAddress { get; }

    /// <summary>NoNat, EndpointIndependent, AddressDependent, AddressAndPortDependent or Unknown (RFC 4787).</summary>
    public string MappingBehavior { get; }

    /// <summary>EndpointIndependent, AddressDependent, AddressAndPortDependent or Unknown (RFC 4787).</summary>
    public string FilteringBehavior { get; }

    /// <summary>A packet to this host's own mapped address comes back in (two hosts behind this NAT
    /// reach each other's public address); empty when not tried.</summary>
    public bool? Hairpinning { get; }

    /// <summary>The NAT kept the local port as the public port.</summary>
    public bool? PortPreserved { get; }

    /// <summary>No answer at all over UDP.</summary>
    public bool UdpBlocked { get; }

    /// <summary>At least one TURN port (-TurnPort) accepts TCP; empty when none was tried.</summary>
    public bool? TcpReachable { get; }

    /// <summary>The TURN ports that accepted TCP, e.g. "3478, 5349".</summary>
    public string TcpOpenPorts { get; }

    /// <summary>The server supports RFC 5780 (it sent OTHER-ADDRESS).</summary>
    public bool Rfc5780Supported { get; }

    /// <summary>What this means for WebRTC, in plain words.</summary>
    public string Verdict { get; }

    /// <summary>Why something is Unknown; empty when everything was measured.</summary>
    public string? Reason { get; }

    public double ElapsedMs { get; }

    public override string ToString() => $"{MappingBehavior}/{FilteringBehavior}: {Verdict}";
}
