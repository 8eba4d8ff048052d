using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WebRtcPS.Engine.Stun;
using WebRtcPS.Engine.Stun.Attributes;

namespace WebRtcPS.Engine.Nat;

/// <summary>
/// NAT behaviour discovery (RFC 5780 §4) against a server that supports it: the I/O half. Three
/// UDP sockets on one local address: the mapping test (§4.3) on the first, the filtering test
/// (§4.4) on a second whose only flow is to the server's primary address, the hairpinning test
/// (§4.5) from a third to the first's mapped address; the TURN ports over TCP meanwhile. Tests
/// that do not depend on each other run at once, so a run takes about one
/// <see cref="NatDiscoveryOptions.Timeout"/> after the first answer. <see cref="NatBehaviorRules"/>
/// draws the conclusions. Backs Get-WrtcNatBehavior.
/// </summary>
internal static class NatBehaviorDiscovery
{
    /// <summary>Runs the tests and decides. What the server answers (or not) is in the report;
    /// only a run that cannot start throws (<see cref="NatDiscoveryException"/>), and cancellation.</summary>
    public static async Task<NatBehaviorReport> RunAsync(NatDiscoveryOptions options, CancellationToken cancellationToken = default)
    {
        var report = NatBehaviorRules.Decide(await ObserveAsync(options, cancellationToken).ConfigureAwait(false));
        NatLog.Decided(options.Logger ?? NullLogger.Instance, report.MappingBehavior, report.FilteringBehavior, report.VerdictText,
            Math.Round(report.Elapsed.TotalMilliseconds, 1));
        return report;
    }

    /// <summary>Runs the tests and returns what they saw.</summary>
    public static async Task<NatObservations> ObserveAsync(NatDiscoveryOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var time = options.TimeProvider;
        var timestamp = time.GetUtcNow();
        long start = time.GetTimestamp();

        var server = await ResolveAsync(options.StunServer, options.LocalAddress, cancellationToken).ConfigureAwait(false);
        var local = options.LocalAddress ?? RouteSource(server);
        var schedule = options.TransactionOptions();
        var log = options.Logger ?? NullLogger.Instance;
        NatLog.Started(log, $"{options.StunServer} ({server})", local.ToString(), options.Timeout.TotalMilliseconds);
        await using var mapping = Bind(local, schedule, time, log);
        await using var filtering = Bind(local, schedule, time, log);
        await using var hairpin = Bind(local, schedule, time, log);

        var tcp = options.TurnPorts.Count == 0
            ? Task.FromResult<IReadOnlyList<NatTcpPortResult>>([])
            : NatTcpProber.ProbeAsync(server.Address, local, options.TurnPorts, options.Timeout, time, log, cancellationToken);
        var filtering1 = filtering.BindingAsync("filtering test I", server, null, cancellationToken);
        var test1 = await mapping.BindingAsync("mapping test I", server, null, cancellationToken).ConfigureAwait(false);
        var other = test1.IsAnswered ? test1.OtherAddress : null;
        var mapped = test1.IsAnswered ? test1.Mapped : null;

        // §4.3 runs test III only when test II saw a new mapping; it costs one round trip, so both
        // run at once and the rules read test III only when they need it.
        var alternateUsable = other is not null && !NatBehaviorRules.SameAddress(other.Address, server.Address);
        var test2 = alternateUsable
            ? mapping.BindingAsync("mapping test II", new IPEndPoint(other!.Address, server.Port), null, cancellationToken)
            : Task.FromResult(NatProbe.NotRun("mapping test II"));
        var test3 = alternateUsable
            ? mapping.BindingAsync("mapping test III", other!, null, cancellationToken)
            : Task.FromResult(NatProbe.NotRun("mapping test III"));
        var filteringTests = FilteringAsync(filtering, server, filtering1, other is not null, cancellationToken);
        var hairpinning = mapped is null ? Task.FromResult<bool?>(null) : HairpinAsync(mapping, hairpin, mapped, log, cancellationToken);

        var (f1, f2, f3) = await filteringTests.ConfigureAwait(false);
        return new NatObservations
        {
            StunServer = options.StunServer.ToString(),
            Server = server,
            Local = mapping.LocalEndPoint,
            MappingTest1 = test1,
            MappingTest2 = await test2.ConfigureAwait(false),
            MappingTest3 = await test3.ConfigureAwait(false),
            FilteringTest1 = f1,
            FilteringTest2 = f2,
            FilteringTest3 = f3,
            HairpinReceived = await hairpinning.ConfigureAwait(false),
            TcpPorts = await tcp.ConfigureAwait(false),
            Timeout = options.Timeout,
            Timestamp = timestamp,
            Elapsed = time.GetElapsedTime(start),
        };
    }

    /// <summary>§4.4: test I from the fresh socket, then tests II (change IP and port) and III
    /// (change port) at once; §4.4 sends III only when II is unanswered, and the rules read it so.</summary>
    private static async Task<(NatProbe, NatProbe, NatProbe)> FilteringAsync(NatUdpSocket socket, IPEndPoint server, Task<NatProbe> test1Task, bool rfc5780, CancellationToken cancellationToken)
    {
        var test1 = await test1Task.ConfigureAwait(false);
        var changeBoth = new ChangeRequest(ChangeIp: true, ChangePort: true);
        var changePort = new ChangeRequest(ChangeIp: false, ChangePort: true);
        if (!rfc5780 || !test1.IsAnswered)
            return (test1, NatProbe.NotRun("filtering test II", server, changeBoth), NatProbe.NotRun("filtering test III", server, changePort));
        var test2 = socket.BindingAsync("filtering test II", server, changeBoth, cancellationToken);
        var test3 = socket.BindingAsync("filtering test III", server, changePort, cancellationToken);
        return (test1, await test2.ConfigureAwait(false), await test3.ConfigureAwait(false));
    }

    /// <summary>§4.5: a Binding request to the first socket's mapped address from another socket;
    /// hairpinning works when it arrives on the first socket. Nobody answers it, so it ends when
    /// it arrives or when its retransmission schedule does.</summary>
    private static async Task<bool?> HairpinAsync(NatUdpSocket first, NatUdpSocket second, IPEndPoint mapped, ILogger log, CancellationToken cancellationToken)
    {
        var id = StunTransactionId.NewId();
        var arrived = first.ExpectRequest(id);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var send = second.BindingAsync("hairpinning", mapped, null, stop.Token, id);
        if (await Task.WhenAny(arrived, send).ConfigureAwait(false) == arrived)
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await send.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // we stopped it: it has done its job
            }
            NatLog.Hairpinning(log, mapped, "came back in");
            return true;
        }
        await send.ConfigureAwait(false);
        NatLog.Hairpinning(log, mapped, arrived.IsCompleted ? "came back in" : "did not come back");
        return arrived.IsCompleted;
    }

    private static async Task<IPEndPoint> ResolveAsync(Ice.IceServerUri uri, IPAddress? local, CancellationToken cancellationToken)
    {
        IPAddress? address;
        if (IPAddress.TryParse(uri.Host, out var literal))
        {
            address = literal;
        }
        else
        {
            IPAddress[] addresses;
            try
            {
                addresses = await Dns.GetHostAddressesAsync(uri.Host, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                throw new NatDiscoveryException(NatDiscoveryError.ServerNotResolved, $"Cannot resolve '{uri.Host}': {ex.Message}", ex);
            }
            var family = local?.AddressFamily ?? AddressFamily.InterNetwork;
            address = addresses.FirstOrDefault(a => a.AddressFamily == family) ?? addresses.FirstOrDefault()
                ?? throw new NatDiscoveryException(NatDiscoveryError.ServerNotResolved, $"'{uri.Host}' has no address.");
        }
        if (local is not null && local.AddressFamily != address.AddressFamily)
            throw new NatDiscoveryException(NatDiscoveryError.LocalAddressUnavailable, $"Local address {local} and server address {address} are not of the same family.");
        return new IPEndPoint(address, uri.Port);
    }

    /// <summary>The address the routing table uses towards <paramref name="server"/> (connecting a
    /// UDP socket sends nothing). Binding every test socket to it makes "no NAT" a plain
    /// comparison of the mapped address with the local one.</summary>
    private static IPAddress RouteSource(IPEndPoint server)
    {
        using var probe = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            probe.Connect(server);
        }
        catch (SocketException ex)
        {
            throw new NatDiscoveryException(NatDiscoveryError.NoRoute, $"No route to {server}: {ex.Message}", ex);
        }
        return ((IPEndPoint)probe.LocalEndPoint!).Address;
    }

    private static NatUdpSocket Bind(IPAddress local, StunTransactionOptions schedule, TimeProvider time, ILogger log)
    {
        try
        {
            return NatUdpSocket.Bind(local, schedule, time, log);
        }
        catch (SocketException ex)
        {
            throw new NatDiscoveryException(NatDiscoveryError.LocalAddressUnavailable, $"Cannot bind a UDP socket to {local}: {ex.Message}", ex);
        }
    }
}
