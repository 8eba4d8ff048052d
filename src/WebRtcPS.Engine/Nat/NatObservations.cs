using System.Net;

namespace WebRtcPS.Engine.Nat;

/// <summary>
/// Everything the NAT behaviour tests saw, before any conclusion: the input of
/// <see cref="NatBehaviorRules.Decide"/>. The I/O (<see cref="NatBehaviorDiscovery"/>) fills it;
/// tests script it.
/// </summary>
internal sealed record NatObservations
{
    /// <summary>The server as given (stun:HOST:PORT).</summary>
    public required string StunServer { get; init; }

    /// <summary>The server's primary address, the one asked first.</summary>
    public required IPEndPoint Server { get; init; }

    /// <summary>The local endpoint of the mapping test's socket.</summary>
    public required IPEndPoint Local { get; init; }

    /// <summary>§4.3 test I: Binding to the server (the UDP connectivity test).</summary>
    public required NatProbe MappingTest1 { get; init; }

    /// <summary>§4.3 test II: same socket, to the alternate address and primary port.</summary>
    public NatProbe MappingTest2 { get; init; } = NatProbe.NotRun("mapping test II");

    /// <summary>§4.3 test III: same socket, to the alternate address and port.</summary>
    public NatProbe MappingTest3 { get; init; } = NatProbe.NotRun("mapping test III");

    /// <summary>§4.4 test I, from a second socket that has contacted nothing else.</summary>
    public NatProbe FilteringTest1 { get; init; } = NatProbe.NotRun("filtering test I");

    /// <summary>§4.4 test II: second socket, CHANGE-REQUEST change IP and port.</summary>
    public NatProbe FilteringTest2 { get; init; } = NatProbe.NotRun("filtering test II");

    /// <summary>§4.4 test III: second socket, CHANGE-REQUEST change port.</summary>
    public NatProbe FilteringTest3 { get; init; } = NatProbe.NotRun("filtering test III");

    /// <summary>§4.5: a request to test I's mapped address from a third socket reached the first
    /// socket; null when not tried (no mapped address).</summary>
    public bool? HairpinReceived { get; init; }

    /// <summary>The TURN ports tried over TCP; empty when none were.</summary>
    public IReadOnlyList<NatTcpPortResult> TcpPorts { get; init; } = [];

    /// <summary>How long an unanswered test waited.</summary>
    public TimeSpan Timeout { get; init; }

    public DateTimeOffset Timestamp { get; init; }
    public TimeSpan Elapsed { get; init; }

    /// <summary>The tests in the order they are reported.</summary>
    public IReadOnlyList<NatProbe> Probes => [MappingTest1, MappingTest2, MappingTest3, FilteringTest1, FilteringTest2, FilteringTest3];
}
