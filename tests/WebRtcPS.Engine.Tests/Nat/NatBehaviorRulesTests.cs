using System.Net;
using WebRtcPS.Engine.Nat;
using WebRtcPS.Engine.Stun.Attributes;

namespace WebRtcPS.Engine.Tests.Nat;

/// <summary>The RFC 5780 decisions over scripted observations: one per NAT type the lab builds,
/// then the partial answers (no RFC 5780, a server that ignores CHANGE-REQUEST, losses).</summary>
public sealed class NatBehaviorRulesTests
{
    private static readonly IPEndPoint ServerA = IPEndPoint.Parse("198.51.100.1:3478");
    private static readonly IPEndPoint OtherB = IPEndPoint.Parse("198.51.100.2:3479");
    private static readonly IPEndPoint Local = IPEndPoint.Parse("192.168.1.10:50000");
    private static readonly IPEndPoint Public = IPEndPoint.Parse("203.0.113.7:50000");
    private static readonly ChangeRequest ChangeBoth = new(true, true);
    private static readonly ChangeRequest ChangePort = new(false, true);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(3);

    private static NatProbe Answer(string name, IPEndPoint to, IPEndPoint mapped, IPEndPoint? from = null, IPEndPoint? other = null, ChangeRequest? change = null) =>
        new(name, to, change, NatProbeOutcome.Answered, from ?? to, mapped, other, from ?? to, RequestsSent: 1, Elapsed: TimeSpan.FromMilliseconds(2));

    private static NatProbe Silence(string name, IPEndPoint to, ChangeRequest? change = null) =>
        new(name, to, change, NatProbeOutcome.NoAnswer, RequestsSent: 3, Elapsed: Wait);

    private static IPEndPoint Port(IPEndPoint endPoint, int port) => new(endPoint.Address, port);

    /// <summary>Observations of a NAT (or none) whose mapping gives <paramref name="mapped2"/> and
    /// <paramref name="mapped3"/> in tests II and III, and whose filter passes test II and/or III.</summary>
    private static NatObservations Scripted(IPEndPoint mapped1, IPEndPoint mapped2, IPEndPoint mapped3, bool filterPasses2, bool filterPasses3,
        bool? hairpin = false, params NatTcpPortResult[] tcp) => new()
        {
            StunServer = "stun:198.51.100.1:3478",
            Server = ServerA,
            Local = Local,
            MappingTest1 = Answer("mapping test I", ServerA, mapped1, other: OtherB),
            MappingTest2 = Answer("mapping test II", Port(OtherB, ServerA.Port), mapped2),
            MappingTest3 = Answer("mapping test III", OtherB, mapped3),
            FilteringTest1 = Answer("filtering test I", ServerA, Port(mapped1, mapped1.Port + 1), other: OtherB),
            FilteringTest2 = filterPasses2 ? Answer("filtering test II", ServerA, mapped1, OtherB, change: ChangeBoth) : Silence("filtering test II", ServerA, ChangeBoth),
            FilteringTest3 = filterPasses3 ? Answer("filtering test III", ServerA, mapped1, Port(ServerA, OtherB.Port), change: ChangePort) : Silence("filtering test III", ServerA, ChangePort),
            HairpinReceived = hairpin,
            TcpPorts = tcp.Length == 0 ? [new(3478, NatTcpOutcome.Open), new(5349, NatTcpOutcome.Open)] : tcp,
            Timeout = Wait,
        };

    [Fact]
    public void NoNat_TheServerSawOurOwnEndpoint()
    {
        var r = NatBehaviorRules.Decide(Scripted(Local, Local, Local, true, true, hairpin: true));
        Assert.Equal(NatMappingBehavior.NoNat, r.MappingBehavior);
        Assert.Equal(NatFilteringBehavior.EndpointIndependent, r.FilteringBehavior);
        Assert.Equal(NatVerdict.Direct, r.Verdict);
        Assert.Equal("No NAT and no filtering: direct connections possible", r.VerdictText);
        Assert.True(r.PortPreserved);
        Assert.True(r.Hairpinning);
        Assert.False(r.UdpBlocked);
        Assert.True(r.TcpReachable);
        Assert.True(r.Rfc5780Supported);
        Assert.Null(r.Reason);
        Assert.Equal(Local, r.MappedAddress);
        Assert.Equal(OtherB, r.OtherAddress);
    }

    [Fact]
    public void NoNat_ButAFirewallFilteringByAddressAndPort()
    {
        var r = NatBehaviorRules.Decide(Scripted(Local, Local, Local, false, false));
        Assert.Equal(NatMappingBehavior.NoNat, r.MappingBehavior);
        Assert.Equal(NatFilteringBehavior.AddressAndPortDependent, r.FilteringBehavior);
        Assert.Equal(NatVerdict.DirectUnlessOtherSideSymmetric, r.Verdict);
        Assert.StartsWith("No NAT, but a firewall filters by address and port", r.VerdictText);
    }

    [Fact]
    public void FullCone_IsEndpointIndependentBothWays()
    {
        var r = NatBehaviorRules.Decide(Scripted(Public, Public, Public, true, true));
        Assert.Equal(NatMappingBehavior.EndpointIndependent, r.MappingBehavior);
        Assert.Equal(NatFilteringBehavior.EndpointIndependent, r.FilteringBehavior);
        Assert.Equal(NatVerdict.Direct, r.Verdict);
        Assert.Equal("Direct connections possible with STUN", r.VerdictText);
        Assert.True(r.PortPreserved);
        Assert.False(r.Hairpinning);
    }

    [Fact]
    public void AddressRestricted_PassesTheChangedPortOnly()
    {
        var r = NatBehaviorRules.Decide(Scripted(Public, Public, Public, false, true));
        Assert.Equal(NatMappingBehavior.EndpointIndependent, r.MappingBehavior);
        Assert.Equal(NatFilteringBehavior.AddressDependent, r.FilteringBehavior);
        Assert.Equal(NatVerdict.Direct, r.Verdict);
    }

    [Fact]
    public void PortRestricted_PassesNeither_NeedsTurnAgainstSymmetric()
    {
        var r = NatBehaviorRules.Decide(Scripted(Public, Public, Public, false, false));
        Assert.Equal(NatMappingBehavior.EndpointIndependent, r.MappingBehavior);
        Assert.Equal(NatFilteringBehavior.AddressAndPortDependent, r.FilteringBehavior);
        Assert.Equal(NatVerdict.DirectUnlessOtherSideSymmetric, r.Verdict);
        Assert.Equal("Direct connections possible with STUN; needs TURN when the other side is symmetric", r.VerdictText);
    }

    [Fact]
    public void Symmetric_NewPortPerDestination()
    {
        var r = NatBehaviorRules.Decide(Scripted(Public, Port(Public, 40001), Port(Public, 40002), false, false));
        Assert.Equal(NatMappingBehavior.AddressAndPortDependent, r.MappingBehavior);
        Assert.Equal(NatFilteringBehavior.AddressAndPortDependent, r.FilteringBehavior);
        Assert.Equal(NatVerdict.TurnWhenOtherSidePortRestrictedOrSymmetric, r.Verdict);
        Assert.Equal("Symmetric NAT: needs TURN when the other side is symmetric or port-restricted", r.VerdictText);
        Assert.True(r.PortPreserved); // test I kept the port; later flows did not
    }

    [Fact]
    public void AddressDependentMapping_NewPortPerAddressOnly()
    {
        var r = NatBehaviorRules.Decide(Scripted(Public, Port(Public, 40001), Port(Public, 40001), false, true));
        Assert.Equal(NatMappingBehavior.AddressDependent, r.MappingBehavior);
        Assert.Equal(NatFilteringBehavior.AddressDependent, r.FilteringBehavior);
        Assert.Equal(NatVerdict.TurnWhenOtherSidePortRestrictedOrSymmetric, r.Verdict);
        Assert.StartsWith("NAT with address-dependent mapping", r.VerdictText);
    }

    [Fact]
    public void MappingTest3_IsReadOnlyWhenTest2SawANewMapping()
    {
        var o = Scripted(Public, Public, Public, true, true) with { MappingTest3 = Silence("mapping test III", OtherB) };
        Assert.Equal(NatMappingBehavior.EndpointIndependent, NatBehaviorRules.Decide(o).MappingBehavior);
    }

    [Fact]
    public void PortNotPreserved_WhenTheMappedPortDiffers()
    {
        var mapped = Port(Public, 61000);
        var r = NatBehaviorRules.Decide(Scripted(mapped, mapped, mapped, false, false));
        Assert.False(r.PortPreserved);
    }

    private static NatObservations Blocked(params NatTcpPortResult[] tcp) => new()
    {
        StunServer = "stun:198.51.100.1:3478",
        Server = ServerA,
        Local = Local,
        MappingTest1 = Silence("mapping test I", ServerA),
        FilteringTest1 = Silence("filtering test I", ServerA),
        TcpPorts = tcp,
        Timeout = Wait,
    };

    [Fact]
    public void UdpBlocked_TcpOpen_NeedsTurnOverTcp()
    {
        var r = NatBehaviorRules.Decide(Blocked(new(3478, NatTcpOutcome.Open), new(5349, NatTcpOutcome.Open)));
        Assert.True(r.UdpBlocked);
        Assert.True(r.TcpReachable);
        Assert.Equal(NatVerdict.TurnOverTcp, r.Verdict);
        Assert.Equal("UDP is blocked: needs TURN over TCP/TLS (TCP 3478, 5349 open)", r.VerdictText);
        Assert.Equal(NatMappingBehavior.Unknown, r.MappingBehavior);
        Assert.Equal(NatFilteringBehavior.Unknown, r.FilteringBehavior);
        Assert.Contains("no answer over UDP from 198.51.100.1:3478 within 3 s", r.Reason);
        Assert.Null(r.MappedAddress);
        Assert.Null(r.Hairpinning);
        Assert.Null(r.PortPreserved);
    }

    [Fact]
    public void UdpBlocked_TcpToo_NoConnectivity_AndWithoutTcpPorts_Unknown()
    {
        var r = NatBehaviorRules.Decide(Blocked(new(3478, NatTcpOutcome.TimedOut), new(5349, NatTcpOutcome.Refused)));
        Assert.False(r.TcpReachable);
        Assert.Equal(NatVerdict.NoConnectivity, r.Verdict);

        var untried = NatBehaviorRules.Decide(Blocked());
        Assert.Null(untried.TcpReachable);
        Assert.Equal(NatVerdict.Unknown, untried.Verdict);
        Assert.StartsWith("No answer over UDP", untried.VerdictText);
    }

    [Fact]
    public void OneLostAnswer_IsNotUdpBlocked()
    {
        var o = Blocked(new NatTcpPortResult(3478, NatTcpOutcome.Open)) with
        {
            FilteringTest1 = Answer("filtering test I", ServerA, Public, other: OtherB),
        };
        var r = NatBehaviorRules.Decide(o);
        Assert.False(r.UdpBlocked);
        Assert.Equal(NatVerdict.Unknown, r.Verdict);
        Assert.Contains("mapping test I to 198.51.100.1:3478: no answer within 3 s", r.Reason);
    }

    /// <summary>A server without RFC 5780 (coturn on one address): STUN works, the rest is
    /// Unknown with the reason, no exception.</summary>
    private static NatObservations WithoutRfc5780(IPEndPoint mapped) => new()
    {
        StunServer = "stun:198.51.100.1:3478",
        Server = ServerA,
        Local = Local,
        MappingTest1 = Answer("mapping test I", ServerA, mapped),
        FilteringTest1 = Answer("filtering test I", ServerA, Port(mapped, mapped.Port + 1)),
        FilteringTest2 = NatProbe.NotRun("filtering test II", ServerA, ChangeBoth),
        FilteringTest3 = NatProbe.NotRun("filtering test III", ServerA, ChangePort),
        HairpinReceived = false,
        TcpPorts = [new(3478, NatTcpOutcome.Open)],
        Timeout = Wait,
    };

    [Fact]
    public void NoOtherAddress_BehindANat_IsAPartialAnswer()
    {
        var r = NatBehaviorRules.Decide(WithoutRfc5780(Public));
        Assert.False(r.Rfc5780Supported);
        Assert.Equal(NatMappingBehavior.Unknown, r.MappingBehavior);
        Assert.Equal(NatFilteringBehavior.Unknown, r.FilteringBehavior);
        Assert.Equal(NatVerdict.Unknown, r.Verdict);
        Assert.StartsWith("STUN works, but the NAT's behaviour was not measured", r.VerdictText);
        Assert.Contains("sent no OTHER-ADDRESS: it does not support RFC 5780", r.Reason);
        Assert.Equal(Public, r.MappedAddress);
        Assert.False(r.UdpBlocked);
        Assert.True(r.PortPreserved);
    }

    [Fact]
    public void NoOtherAddress_WithoutNat_StillTellsNoNat()
    {
        var r = NatBehaviorRules.Decide(WithoutRfc5780(Local));
        Assert.Equal(NatMappingBehavior.NoNat, r.MappingBehavior);
        Assert.Equal(NatFilteringBehavior.Unknown, r.FilteringBehavior);
        Assert.Equal(NatVerdict.DirectUnlessOtherSideSymmetric, r.Verdict);
        Assert.Equal("No NAT: direct connections possible; filtering unknown, so TURN may be needed when the other side is symmetric", r.VerdictText);
        Assert.Contains("so filtering cannot be measured", r.Reason);
    }

    [Fact]
    public void ChangeRequestIgnored_AnswerFromThePrimaryAddress_IsNotAnOpenFilter()
    {
        var o = Scripted(Public, Public, Public, false, false) with
        {
            FilteringTest2 = Answer("filtering test II", ServerA, Public, from: ServerA, change: ChangeBoth),
        };
        var r = NatBehaviorRules.Decide(o);
        Assert.Equal(NatFilteringBehavior.Unknown, r.FilteringBehavior);
        Assert.Contains("did not honour it", r.Reason);
        Assert.Equal(NatMappingBehavior.EndpointIndependent, r.MappingBehavior);
        Assert.Equal(NatVerdict.DirectUnlessOtherSideSymmetric, r.Verdict);
        Assert.EndsWith("filtering unknown, so TURN may be needed when the other side is symmetric", r.VerdictText);
    }

    [Fact]
    public void ChangeRequestRejectedWith420_SaysSo()
    {
        var o = Scripted(Public, Public, Public, false, false) with
        {
            FilteringTest2 = new NatProbe("filtering test II", ServerA, ChangeBoth, NatProbeOutcome.ErrorResponse, ServerA, ErrorCode: 420, ErrorReason: "Unknown Attribute"),
        };
        var r = NatBehaviorRules.Decide(o);
        Assert.Equal(NatFilteringBehavior.Unknown, r.FilteringBehavior);
        Assert.Contains("error 420 Unknown Attribute (it does not support CHANGE-REQUEST, RFC 5780)", r.Reason);
    }

    [Fact]
    public void ChangePortAnsweredFromTheOtherAddress_IsNotAddressDependent()
    {
        var o = Scripted(Public, Public, Public, false, false) with
        {
            FilteringTest3 = Answer("filtering test III", ServerA, Public, from: OtherB, change: ChangePort),
        };
        Assert.Equal(NatFilteringBehavior.Unknown, NatBehaviorRules.Decide(o).FilteringBehavior);
    }

    [Fact]
    public void OtherAddressOnTheAskedIp_CoturnAskedAtItsSecondAddress_MappingUnknown()
    {
        var serverB = IPEndPoint.Parse("198.51.100.2:3478");
        var o = Scripted(Public, Public, Public, true, true) with
        {
            Server = serverB,
            MappingTest1 = Answer("mapping test I", serverB, Public, other: OtherB),
            MappingTest2 = NatProbe.NotRun("mapping test II"),
            MappingTest3 = NatProbe.NotRun("mapping test III"),
            // CHANGE-REQUEST still works: the answer comes from the first address's alternate port.
            FilteringTest2 = Answer("filtering test II", serverB, Public, from: Port(ServerA, 3479), change: ChangeBoth),
        };
        var r = NatBehaviorRules.Decide(o);
        Assert.Equal(NatMappingBehavior.Unknown, r.MappingBehavior);
        Assert.Equal(NatFilteringBehavior.EndpointIndependent, r.FilteringBehavior);
        Assert.Contains("has the IP of the address asked", r.Reason);
        Assert.Equal(NatVerdict.Unknown, r.Verdict);
        Assert.StartsWith("Not enough was measured", r.VerdictText);
    }

    [Fact]
    public void LostMappingTest2_IsUnknownWithTheReason()
    {
        var o = Scripted(Public, Public, Public, true, true) with { MappingTest2 = Silence("mapping test II", Port(OtherB, 3478)) };
        var r = NatBehaviorRules.Decide(o);
        Assert.Equal(NatMappingBehavior.Unknown, r.MappingBehavior);
        Assert.Equal("mapping test II to 198.51.100.2:3478: no answer within 3 s", r.Reason);
        Assert.Equal(NatFilteringBehavior.EndpointIndependent, r.FilteringBehavior);
    }

    [Fact]
    public void ErrorToTestI_IsNotUdpBlocked_NothingMeasured()
    {
        var o = Blocked() with
        {
            MappingTest1 = new NatProbe("mapping test I", ServerA, null, NatProbeOutcome.ErrorResponse, ServerA, ErrorCode: 400, ErrorReason: "Bad Request"),
        };
        var r = NatBehaviorRules.Decide(o);
        Assert.False(r.UdpBlocked);
        Assert.Equal(NatVerdict.Unknown, r.Verdict);
        Assert.StartsWith("The STUN server's answer gave no mapped address", r.VerdictText);
        Assert.Contains("error 400 Bad Request", r.Reason);
    }

    [Fact]
    public void IPv4MappedAddresses_CompareAsIPv4()
    {
        var mappedV6 = new IPEndPoint(Local.Address.MapToIPv6(), Local.Port);
        var r = NatBehaviorRules.Decide(Scripted(mappedV6, mappedV6, mappedV6, true, true));
        Assert.Equal(NatMappingBehavior.NoNat, r.MappingBehavior);
    }

    [Fact]
    public void Probes_ReadAsOneLineEach()
    {
        var o = Scripted(Public, Public, Public, false, true);
        Assert.Equal(6, o.Probes.Count);
        Assert.Equal("mapping test I to 198.51.100.1:3478: answered from 198.51.100.1:3478, mapped 203.0.113.7:50000, OTHER-ADDRESS 198.51.100.2:3479 (1 request(s), 2 ms)",
            o.MappingTest1.ToString());
        Assert.Equal("filtering test II to 198.51.100.1:3478 with CHANGE-REQUEST (change IP and port): no answer (3 request(s), 3000 ms)", o.FilteringTest2.ToString());
        Assert.Equal("filtering test III to 198.51.100.1:3478 with CHANGE-REQUEST (change port): answered from 198.51.100.1:3479, mapped 203.0.113.7:50000 (1 request(s), 2 ms)",
            o.FilteringTest3.ToString());
    }
}
