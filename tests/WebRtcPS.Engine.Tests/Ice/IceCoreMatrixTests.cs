using System.Net;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.Tests.TestInfrastructure;
using static WebRtcPS.Engine.Tests.Ice.IceCoreNatTests;

namespace WebRtcPS.Engine.Tests.Ice;

/// <summary>
/// The NAT matrix of tests/lab/expected-matrix.md on two ICE cores and the in-test wire (RFC 4787
/// NATs, two STUN servers, a TURN server with per-IP permissions): every cell connects, or fails,
/// as the table says, on its path class; never a relayed pair where a direct one exists; a failing
/// cell's verdict comes at the checking timeout with a likely cause. The lab runs the same table
/// with the real stack (tests/Pester/NatMatrix.Tests.ps1).
/// </summary>
public sealed class IceCoreMatrixTests
{
    public sealed record Cell(int Id, string Site1, string Site2, string Configuration, bool Connects, string Path)
    {
        public override string ToString() => $"{Id}: {Site1}/{Site2} {Configuration}";
    }

    /// <summary>The rows of the table in tests/lab/expected-matrix.md.</summary>
    internal static IReadOnlyList<Cell> ReadTable()
    {
        var path = Path.Combine(Interop.RepoRoot, "tests", "lab", "expected-matrix.md");
        var cells = new List<Cell>();
        foreach (var line in File.ReadLines(path))
        {
            var columns = line.Split('|', StringSplitOptions.TrimEntries);
            if (columns.Length < 8 || !int.TryParse(columns[1], out var id)) continue;
            cells.Add(new Cell(id, columns[2], columns[3], columns[4], columns[5] == "connects", columns[6]));
        }
        return cells;
    }

    public static TheoryData<Cell> Cells()
    {
        var data = new TheoryData<Cell>();
        foreach (var cell in ReadTable()) data.Add(cell);
        return data;
    }

    [Fact]
    public void TheTableHasEveryCell()
    {
        var cells = ReadTable();
        Assert.Equal(Enumerable.Range(1, 72), cells.Select(c => c.Id));
        Assert.Equal(16, cells.Count(c => !c.Connects));
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void EachCell_ConnectsOnItsPath_OrFailsWithALikelyCause(Cell cell)
    {
        var wire = Lab(Side(cell.Configuration, RTCIceRole.Controlling), Side(cell.Configuration, RTCIceRole.Controlled), seed: cell.Id);
        wire.SignalingLatency = TimeSpan.FromMilliseconds(20);
        Nat(wire, cell.Site1, Wan1, Host1);
        Nat(wire, cell.Site2, Wan2, Host2);
        var transport = cell.Configuration.Split('-')[^1] switch
        {
            "tcp" => IceCoreTurnTransport.Tcp,
            "tls" => IceCoreTurnTransport.Tls,
            _ => IceCoreTurnTransport.Udp,
        };
        wire.A.TurnTransport = wire.B.TurnTransport = transport;
        wire.Start();
        Assert.True(wire.RunUntil(() => Settled(wire), TimeSpan.FromSeconds(20)), $"{cell}: no verdict within 20 s");

        if (!cell.Connects)
        {
            foreach (var peer in new[] { wire.A, wire.B })
            {
                var failed = peer.EventsOf<IceStateChangedEvent>()[^1];
                Assert.True(failed.NewState == RTCIceTransportState.Failed, $"{cell}: {peer} is {failed.NewState} ({failed.Reason})");
                Assert.True(failed.Elapsed <= TimeSpan.FromSeconds(10), $"{cell}: {peer} failed at {failed.Elapsed}");
                Assert.Contains("Likely cause: ", failed.Reason);
            }
            return;
        }
        Assert.True(Connected(wire.A) && Connected(wire.B), $"{cell}: a {wire.A.Core.State}, b {wire.B.Core.State}: {wire.A.Core.BuildDiagnostics()}");
        var relays = new[] { wire.A, wire.B }.Count(p => p.Core.Route!.Pair.Local.Type == RTCIceCandidateType.Relay);
        var path = relays switch { 0 => "direct", 1 => "one relay", _ => "two relays" };
        Assert.True(cell.Path == path, $"{cell}: {path}, not {cell.Path}\n{IceCoreDump.Dump(wire.A)}\n{IceCoreDump.Dump(wire.B)}");
        if (cell.Path == "direct")
        {
            // Not even for a moment: a relayed pair where a direct one exists is a failure.
            Assert.All(new[] { wire.A, wire.B }.SelectMany(p => p.EventsOf<IceSelectedCandidatePairChangedEvent>()),
                       s => Assert.True(s.Pair!.Local.Type != RTCIceCandidateType.Relay && s.Pair.Remote.Type != RTCIceCandidateType.Relay, $"{cell}: selected {s.Pair}"));
        }
    }

    private static IceAgentOptions Side(string configuration, RTCIceRole role)
    {
        var options = Options(role);
        if (configuration == "host") return options;
        if (configuration.StartsWith("relay-", StringComparison.Ordinal))
            return options with { RelaySource = IceCoreWire.TurnMarker, InterfaceFilter = _ => false };   // -RelayOnly
        options = options with { IceServers = TwoStunServers };
        return configuration.StartsWith("stun+turn", StringComparison.Ordinal) ? options with { RelaySource = IceCoreWire.TurnMarker } : options;
    }

    private static void Nat(IceCoreWire wire, string type, IPAddress wan, IPAddress host)
    {
        if (type == "none") return;   // a routed site: the host's address is public
        wire.AddNat(wan, type switch
        {
            "full-cone" => IceCoreNatType.FullCone,
            "address-restricted" => IceCoreNatType.AddressRestricted,
            "port-restricted" => IceCoreNatType.PortRestricted,
            "symmetric" => IceCoreNatType.Symmetric,
            "udp-blocked" => IceCoreNatType.UdpBlocked,
            _ => throw new ArgumentException($"unknown NAT type {type}"),
        }, host);
    }
}
