namespace WebRtcPS.Engine.Nat;

/// <summary>How a TCP connection attempt to a TURN port ended.</summary>
public enum NatTcpOutcome
{
    /// <summary>The connection opened (then closed at once).</summary>
    Open,

    /// <summary>Refused (RST): the host is reached, nothing listens there, or a firewall rejects.</summary>
    Refused,

    /// <summary>No answer within the timeout: dropped on the way.</summary>
    TimedOut,

    /// <summary>Another socket error (host or network unreachable...).</summary>
    Error,
}
