using WebRtcPS.Engine.Ice;

namespace WebRtcPS.Engine.Tests.Ice;

/// <summary>The likely cause of a failure from diagnostics built by hand (the NAT cases are also
/// covered end to end in <see cref="IceCoreNatTests"/> and <see cref="IceCoreMatrixTests"/>).</summary>
public sealed class IceFailureDiagnosisTests
{
    private static RTCIceCandidate Candidate(RTCIceCandidateType type, string address, int port = 5000, string? raddr = null, int? rport = null) => new()
    {
        Foundation = "1",
        Component = 1,
        Protocol = RTCIceProtocol.Udp,
        Priority = 1,
        Address = address,
        Port = port,
        Type = type,
        RelatedAddress = raddr,
        RelatedPort = rport,
    };

    private static RTCIceCandidatePairStats Pair(RTCIceCandidate local, RTCIceCandidate remote, RTCIceCandidatePairState state,
                                                 long requestsIn = 0, long responsesIn = 0, string? last = null) => new()
    {
        // The candidates' own ids; Diagnostics() turns them into indexes of its candidate lists.
        Id = "CP",
        Timestamp = DateTimeOffset.UnixEpoch,
        LocalCandidateId = local.ToSdpString(),
        RemoteCandidateId = remote.ToSdpString(),
        State = state,
        RequestsReceived = requestsIn,
        ResponsesReceived = responsesIn,
        LastResult = last,
    };

    private static IceDiagnostics Diagnostics(RTCIceCandidate[] local, RTCIceCandidate[] remote, RTCIceCandidatePairStats[] pairs,
                                              RTCIceRole role = RTCIceRole.Controlling, string[]? stun = null, bool relay = false,
                                              IceCandidateErrorEvent[]? errors = null) => new()
    {
        State = RTCIceTransportState.Checking,
        StateReason = "checking",
        GatheringState = RTCIceGatheringState.Complete,
        Role = role,
        LocalCandidates = local,
        RemoteCandidates = remote,
        RemoteEndOfCandidates = false,
        Pairs = pairs.Select((p, i) => p with
        {
            Id = "CP" + (i + 1),
            LocalCandidateId = IceDiagnostics.LocalCandidateId(Array.FindIndex(local, c => c.ToSdpString() == p.LocalCandidateId)),
            RemoteCandidateId = IceDiagnostics.RemoteCandidateId(Array.FindIndex(remote, c => c.ToSdpString() == p.RemoteCandidateId)),
        }).ToArray(),
        Problems = [],
        InternalErrors = [],
        StunServers = stun ?? [],
        RelayConfigured = relay,
        CandidateErrors = errors ?? [],
    };

    private static readonly RTCIceCandidate LocalHost = Candidate(RTCIceCandidateType.Host, "192.168.1.10");
    private static readonly RTCIceCandidate RemoteHost = Candidate(RTCIceCandidateType.Host, "10.0.0.7");
    private static readonly RTCIceCandidate RemoteSrflx = Candidate(RTCIceCandidateType.Srflx, "203.0.113.9", 40000, "10.0.0.7", 5000);

    [Fact]
    public void NoDiagnosisOnceAPairIsSelected()
    {
        var d = Diagnostics([LocalHost], [RemoteHost], []) with { SelectedPair = new RTCIceCandidatePair(LocalHost, RemoteHost) };
        Assert.Null(IceFailureDiagnosis.Diagnose(d));
    }

    [Fact]
    public void ChecksArriveButNoneOfOursIsAnswered_OneWayTraffic()
    {
        var d = Diagnostics([LocalHost], [RemoteSrflx], [Pair(LocalHost, RemoteSrflx, RTCIceCandidatePairState.InProgress, requestsIn: 3)]);
        Assert.Equal("the peer's checks arrive but none of ours is answered: traffic passes in one direction only (a firewall, or a NAT that filters our path)",
                     IceFailureDiagnosis.Diagnose(d));
    }

    [Fact]
    public void ValidPairsButNoNomination_BlamesTheControllingPeer()
    {
        var d = Diagnostics([LocalHost], [RemoteHost], [Pair(LocalHost, RemoteHost, RTCIceCandidatePairState.Succeeded, 2, 2)], RTCIceRole.Controlled);
        Assert.Equal("1 pair(s) work, but the controlling peer nominated none", IceFailureDiagnosis.Diagnose(d));
    }

    [Fact]
    public void A401OnChecks_IsACredentialsMismatch()
    {
        var d = Diagnostics([LocalHost], [RemoteHost], [Pair(LocalHost, RemoteHost, RTCIceCandidatePairState.Failed, 0, 1, "error 401 Unauthorized")]);
        Assert.StartsWith("the peer answered our checks with 401 Unauthorized: the ICE credentials differ", IceFailureDiagnosis.Diagnose(d));
    }

    [Fact]
    public void PrivateHostAddresses_AreCalledPrivate()
    {
        var d = Diagnostics([LocalHost], [RemoteHost], [Pair(LocalHost, RemoteHost, RTCIceCandidatePairState.InProgress)]);
        Assert.StartsWith("neither side has a server-reflexive or relayed candidate (no STUN or TURN server was given here): " +
                          "private address (192.168.1.10) here and private address (10.0.0.7) on the peer", IceFailureDiagnosis.Diagnose(d));
    }

    [Fact]
    public void NoRemoteCandidate_SaysThePeerSentNone()
    {
        var d = Diagnostics([LocalHost], [], []);
        Assert.StartsWith("the peer sent no candidate", IceFailureDiagnosis.Diagnose(d));
    }

    [Fact]
    public void ATurnServerOverTcpThatCannotBeReached_NamesItsPort()
    {
        var error = new IceCandidateErrorEvent(default, default, "turn:turn.example:3478?transport=tcp", "", 701, "Not reachable: connection refused");
        var d = Diagnostics([], [RemoteHost], [], relay: true, errors: [error]);
        Assert.Equal("the TURN server turn:turn.example:3478?transport=tcp could not be reached (Not reachable: connection refused): is its port open " +
                     "from here?; no local candidate was gathered: relay-only, and no TURN allocation succeeded", IceFailureDiagnosis.Diagnose(d));
    }

    [Fact]
    public void ATurnAllocationOverUdpStillPendingAtTheVerdict_MeansUdpIsBlocked()
    {
        var relay = Candidate(RTCIceCandidateType.Relay, "203.0.113.50", 49152);
        var d = Diagnostics([], [relay], [], relay: true) with { TurnServers = ["turn:turn.example:3478?transport=udp"], RelaysPending = true };
        Assert.StartsWith("the TURN server turn:turn.example:3478?transport=udp did not answer over UDP: UDP seems blocked here; where only TCP gets out, use TURN over TCP or TLS",
                          IceFailureDiagnosis.Diagnose(d));
    }

    [Theory]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.16.0.1", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("192.168.0.1", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("127.0.0.1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("fd00::1", true)]
    [InlineData("198.18.1.10", false)]
    [InlineData("2001:db8::1", false)]
    public void IsPrivate(string address, bool expected) => Assert.Equal(expected, IceFailureDiagnosis.IsPrivate(address));
}
