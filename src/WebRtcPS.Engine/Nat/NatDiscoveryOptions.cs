using System.Net;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.Stun;

namespace WebRtcPS.Engine.Nat;

/// <summary>What <see cref="NatBehaviorDiscovery.RunAsync"/> tests and how long it waits.</summary>
internal sealed record NatDiscoveryOptions
{
    public const int DefaultTurnPort = 3478;
    public const int DefaultTurnTlsPort = 5349;

    /// <summary>The RFC 5780 server, stun:HOST[:PORT] (UDP).</summary>
    public required IceServerUri StunServer { get; init; }

    /// <summary>The local address to test from; null: the one the routing table picks for the server.</summary>
    public IPAddress? LocalAddress { get; init; }

    /// <summary>The server's TURN ports tried over TCP (TURN over TCP and TLS); empty: none.</summary>
    public IReadOnlyList<int> TurnPorts { get; init; } = [DefaultTurnPort, DefaultTurnTlsPort];

    /// <summary>How long a test waits for an answer that may never come (a filtered one, or any
    /// at all when UDP is blocked). Later tests start when the first is answered and run at once,
    /// so a run takes about the first round trip plus this (behind a NAT some test, hairpinning
    /// at least, always goes unanswered).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>RFC 8489's initial RTO; the retransmissions double it (§6.2.1).</summary>
    public TimeSpan InitialRto { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Each test's outcome and the conclusion (Information), every datagram (Debug); event ids 1600-1699.</summary>
    public Microsoft.Extensions.Logging.ILogger? Logger { get; init; }

    public NatDiscoveryOptions Validate()
    {
        ArgumentNullException.ThrowIfNull(StunServer);
        if (StunServer.Scheme != IceServerScheme.Stun)
            throw new ArgumentException($"{StunServer}: NAT behaviour discovery runs over UDP and needs a stun: URI (RFC 5780 §2).", nameof(StunServer));
        if (Timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "Must be positive.");
        if (InitialRto <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(InitialRto), InitialRto, "Must be positive.");
        ArgumentNullException.ThrowIfNull(TurnPorts);
        foreach (var port in TurnPorts)
        {
            if (port is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(TurnPorts), port, "A port is from 1 to 65535.");
        }
        ArgumentNullException.ThrowIfNull(TimeProvider);
        return this;
    }

    /// <summary>
    /// RFC 8489 §6.2.1's schedule cut to <see cref="Timeout"/>: requests at 0, RTO, 3 RTO, 7 RTO...
    /// while before the timeout, then wait Rm × RTO for the last answer, Rm the most that fits
    /// (at least 1). 3 s: sends at 0, 0.5, 1.5 s, timeout at 3 s.
    /// </summary>
    public StunTransactionOptions TransactionOptions()
    {
        int count = 1;
        var last = TimeSpan.Zero;
        var rto = InitialRto;
        while (last + rto < Timeout)
        {
            last += rto;
            rto *= 2;
            count++;
        }
        int rm = Math.Max(1, (int)((Timeout - last) / InitialRto));
        return new StunTransactionOptions { InitialRto = InitialRto, MaxRequestCount = count, LastRequestWaitMultiplier = rm };
    }
}
