using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.Turn;
using Xunit.Abstractions;

namespace WebRtcPS.Engine.Tests.Turn;

/// <summary>The TURN client against a real coturn on 127.0.0.1 over UDP, TCP and TLS.</summary>
public sealed class CoturnTurnClientTests(CoturnFixture fixture, ITestOutputHelper output) : IClassFixture<CoturnFixture>
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    private static IceServerUri Uri(CoturnServer server, string transport) => transport switch
    {
        "udp" => server.UdpUri,
        "tcp" => server.TcpUri,
        _ => server.TlsUri,
    };

    [SkippableTheory]
    [InlineData("udp")]
    [InlineData("tcp")]
    [InlineData("tls")]
    public async Task AllocatesWithLongTermCredentials(string transport)
    {
        var server = fixture.Require();
        var log = new ListLogger();
        await using var client = await TurnClient.AllocateAsync(server.Options(Uri(server, transport)) with { Logger = log }).WaitAsync(Generous);
        output.WriteLine($"{transport}: relayed {client.RelayedAddress}, mapped {client.MappedAddress}, lifetime {client.Lifetime}, allocate {client.AllocateTime.TotalMilliseconds:0.0} ms, rtt {client.RoundTripTime.TotalMilliseconds:0.00} ms");
        Assert.Equal(IPAddress.Loopback, client.RelayedAddress.Address);
        Assert.NotEqual(0, client.RelayedAddress.Port);
        Assert.Equal(client.LocalEndPoint.Port, client.MappedAddress!.Port);
        Assert.Equal(CoturnServer.RealmName, client.Realm);
        Assert.True(client.Lifetime > TimeSpan.Zero);
        Assert.Equal(transport switch { "udp" => TurnTransportKind.Udp, "tcp" => TurnTransportKind.Tcp, _ => TurnTransportKind.Tls }, client.Transport);
        Assert.False(client.CertificateCheckSkipped);

        await client.RefreshAsync().WaitAsync(Generous);
        Assert.Equal(1, client.RefreshCount);
        await client.CreatePermissionAsync(IPAddress.Loopback).WaitAsync(Generous);
        Assert.True(client.HasPermission(IPAddress.Loopback));
        var channel = await client.BindChannelAsync(new IPEndPoint(IPAddress.Loopback, 9)).WaitAsync(Generous);
        Assert.Equal(ChannelData.MinChannel, channel);
        Assert.Equal(channel, await client.BindChannelAsync(new IPEndPoint(IPAddress.Loopback, 9)).WaitAsync(Generous));
        Assert.Equal((ushort)(channel + 1), await client.BindChannelAsync(new IPEndPoint(IPAddress.Loopback, 10)).WaitAsync(Generous));

        Assert.True(await client.CloseAsync().WaitAsync(Generous));
        Assert.True(client.ClosedCleanly);
        await Poll.UntilAsync(() => server.Log.Contains("username=<alice>, lifetime=0"), Generous, "coturn to log the deallocation");
        foreach (var entry in log.Entries) output.WriteLine($"{entry.Id.Id} {entry.Level}: {entry.Message}");
        Assert.Equal([1502, 1500, 1504, 1506, 1507, 1507, 1509], log.Entries.Select(e => e.Id.Id));
    }

    [SkippableTheory]
    [InlineData("udp", true)]
    [InlineData("udp", false)]
    [InlineData("tcp", true)]
    [InlineData("tcp", false)]
    [InlineData("tls", true)]
    [InlineData("tls", false)]
    public async Task RelaysDataBetweenTwoAllocations(string transport, bool useChannels)
    {
        var server = fixture.Require();
        var options = server.Options(Uri(server, transport)) with { UseChannels = useChannels };
        await using var a = await TurnClient.AllocateAsync(options).WaitAsync(Generous);
        await using var b = await TurnClient.AllocateAsync(options).WaitAsync(Generous);
        await a.CreatePermissionAsync(b.RelayedAddress.Address).WaitAsync(Generous);
        await b.CreatePermissionAsync(a.RelayedAddress.Address).WaitAsync(Generous);

        var buffer = new byte[70000];
        for (int i = 0; i < 20; i++)
        {
            var message = Encoding.ASCII.GetBytes($"a->b #{i} over {transport}" + new string('x', i * 37));
            await a.SendToAsync(message, b.RelayedAddress);
            var got = await b.ReceiveFromAsync(buffer).AsTask().WaitAsync(Generous);
            Assert.Equal(a.RelayedAddress, got.Peer);
            Assert.Equal(message, buffer.AsSpan(0, got.Length).ToArray());

            var reply = Encoding.ASCII.GetBytes($"b->a #{i}");
            await b.SendToAsync(reply, a.RelayedAddress);
            got = await a.ReceiveFromAsync(buffer).AsTask().WaitAsync(Generous);
            Assert.Equal(b.RelayedAddress, got.Peer);
            Assert.Equal(reply, buffer.AsSpan(0, got.Length).ToArray());
            if (useChannels && i > 5 && got.ViaChannel) break;
        }
        if (useChannels)
        {
            await Poll.UntilAsync(() => a.GetChannel(b.RelayedAddress) is not null && b.GetChannel(a.RelayedAddress) is not null,
                Generous, "both channels to be bound");
            await a.SendToAsync(new byte[] { 1, 2, 3 }, b.RelayedAddress);
            var got = await b.ReceiveFromAsync(buffer).AsTask().WaitAsync(Generous);
            Assert.True(got.ViaChannel, "after the channel is bound the server relays as ChannelData");
            Assert.Equal(3, got.Length);
        }
        else
        {
            Assert.Null(a.GetChannel(b.RelayedAddress));
        }

        // A large packet, odd length (stream padding).
        var big = new byte[1201];
        Random.Shared.NextBytes(big);
        await a.SendToAsync(big, b.RelayedAddress);
        var last = await b.ReceiveFromAsync(buffer).AsTask().WaitAsync(Generous);
        Assert.Equal(big, buffer.AsSpan(0, last.Length).ToArray());
        Assert.Equal(0, a.DroppedPackets + b.DroppedPackets);
    }

    [SkippableFact]
    public async Task SendToAnUnpermittedPeerCreatesThePermissionFirst()
    {
        var server = fixture.Require();
        await using var a = await TurnClient.AllocateAsync(server.Options(server.UdpUri)).WaitAsync(Generous);
        await using var b = await TurnClient.AllocateAsync(server.Options(server.UdpUri)).WaitAsync(Generous);
        await b.CreatePermissionAsync(a.RelayedAddress.Address).WaitAsync(Generous);
        await a.SendToAsync(Encoding.ASCII.GetBytes("first"), b.RelayedAddress); // queued until the permission exists
        var buffer = new byte[100];
        var got = await b.ReceiveFromAsync(buffer).AsTask().WaitAsync(Generous);
        Assert.Equal("first", Encoding.ASCII.GetString(buffer, 0, got.Length));
        Assert.True(a.HasPermission(b.RelayedAddress.Address));
    }

    [SkippableTheory]
    [InlineData("udp")]
    [InlineData("tcp")]
    [InlineData("tls")]
    public async Task WrongPasswordIsAuthenticationFailed(string transport)
    {
        var server = fixture.Require();
        var watch = Stopwatch.StartNew();
        var log = new ListLogger();
        var ex = await Assert.ThrowsAsync<TurnException>(() => TurnClient.AllocateAsync(server.Options(Uri(server, transport), password: "wrong") with { Logger = log }).WaitAsync(Generous));
        Assert.Contains(log.Entries, e => e.Id.Id == 1501 && e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Message.Contains("AuthenticationFailed"));
        output.WriteLine($"{ex.Error} in {watch.ElapsedMilliseconds} ms: {ex.Message}");
        Assert.Equal(TurnError.AuthenticationFailed, ex.Error);
        Assert.Equal(401, ex.ErrorCode); // an answer, not a timeout: no wall-clock bound needed
    }

    [SkippableTheory]
    [InlineData("udp")]
    [InlineData("tcp")]
    [InlineData("tls")]
    public async Task ClosedPortIsNotReachable(string transport)
    {
        var server = fixture.Require();
        int closed = ClosedPort();
        var uri = transport switch
        {
            "udp" => IceServerUri.Parse($"turn:127.0.0.1:{closed}?transport=udp"),
            "tcp" => IceServerUri.Parse($"turn:127.0.0.1:{closed}?transport=tcp"),
            _ => IceServerUri.Parse($"turns:127.0.0.1:{closed}"),
        };
        var watch = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<TurnException>(() => TurnClient.AllocateAsync(server.Options(uri)).WaitAsync(Generous));
        output.WriteLine($"{ex.Error} in {watch.ElapsedMilliseconds} ms: {ex.Message}");
        // NotReachable (ICMP, a refused connection), not TimedOut: the refusal was seen, no wall-clock bound needed.
        Assert.Equal(TurnError.NotReachable, ex.Error);
    }

    [SkippableFact]
    public async Task UntrustedCertificateIsTlsError()
    {
        var server = fixture.Require();
        var options = server.Options(server.TlsUri) with { CertificateValidationCallback = null };
        var ex = await Assert.ThrowsAsync<TurnException>(() => TurnClient.AllocateAsync(options).WaitAsync(Generous));
        output.WriteLine(ex.Message);
        Assert.Equal(TurnError.TlsError, ex.Error);
        Assert.Contains("RemoteCertificateChainErrors", ex.Message);
    }

    [SkippableFact]
    public async Task SkipCertificateCheckAcceptsAndReportsIt()
    {
        var server = fixture.Require();
        var options = server.Options(server.TlsUri) with { CertificateValidationCallback = null, SkipCertificateCheck = true };
        await using var client = await TurnClient.AllocateAsync(options).WaitAsync(Generous);
        Assert.True(client.CertificateCheckSkipped);
        Assert.True(client.CertificateErrors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [SkippableFact]
    public async Task ServerThatNeverAnswersTimesOut()
    {
        fixture.Require();
        // A bound UDP socket that reads nothing: no ICMP, no answer.
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var uri = IceServerUri.Parse($"turn:127.0.0.1:{((IPEndPoint)silent.LocalEndPoint!).Port}");
        var options = new TurnClientOptions
        {
            Server = uri,
            Username = "u",
            Password = "p",
            TransactionOptions = new() { InitialRto = TimeSpan.FromMilliseconds(100), MaxRequestCount = 3, LastRequestWaitMultiplier = 4 },
        };
        var watch = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<TurnException>(() => TurnClient.AllocateAsync(options).WaitAsync(Generous));
        Assert.Equal(TurnError.TimedOut, ex.Error);
        output.WriteLine($"{ex.Message} ({watch.ElapsedMilliseconds} ms)");
        // The transaction options were honoured: it gave up after its 3 requests (0.7 s), rather than
        // the 15 s AllocateTimeout ending it ("No allocation on ... within") — told by the message,
        // not by a wall-clock window a loaded machine can miss.
        Assert.Contains("no response after 3 request(s)", ex.Message);

        var bounded = options with { TransactionOptions = null, AllocateTimeout = TimeSpan.FromMilliseconds(500) };
        ex = await Assert.ThrowsAsync<TurnException>(() => TurnClient.AllocateAsync(bounded).WaitAsync(Generous));
        Assert.Equal(TurnError.TimedOut, ex.Error);

        using var cts = new CancellationTokenSource(200);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => TurnClient.AllocateAsync(options with { TransactionOptions = null }, cts.Token).WaitAsync(Generous));
    }

    private static int ClosedPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port; // Closed when disposed; TCP on it is (almost surely) closed too.
    }
}
