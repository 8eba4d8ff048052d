using System.Net;
using System.Net.Sockets;
using WebRtcPS.Engine.Stun;
using WebRtcPS.Engine.Stun.Attributes;

namespace WebRtcPS.Engine.Tests.Stun;

/// <summary>Real UDP round trips on loopback: a <see cref="StunServer"/> on port 0 and a client
/// driving a <see cref="StunTransactionManager"/> with the system clock.</summary>
public sealed class StunServerTests
{
    private static async Task<StunTransactionResult> BindAsync(IPEndPoint server, UdpClient client, StunMessage request, CancellationToken ct)
    {
        using var transactions = new StunTransactionManager(
            datagram => new ValueTask(client.SendAsync(datagram, server, ct).AsTask()),
            options: new StunTransactionOptions { InitialRto = TimeSpan.FromMilliseconds(100) });
        // One receiver per client at a time, stopped before returning, so calls don't steal
        // each other's responses.
        using var stopReceiving = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var receiving = Task.Run(async () =>
        {
            while (true)
            {
                var received = await client.ReceiveAsync(stopReceiving.Token);
                transactions.TryHandleResponse(received.Buffer);
            }
        }, stopReceiving.Token);
        try
        {
            return await transactions.SendRequestAsync(request, cancellationToken: ct);
        }
        finally
        {
            stopReceiving.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => receiving);
        }
    }

    [Fact]
    public async Task BindingOverLoopback_ReturnsTheClientsAddress()
    {
        await using var server = StunServer.Start(new IPEndPoint(IPAddress.Loopback, 0), new StunBindingResponder(new() { Software = "WebRtcPS" }));
        Assert.NotEqual(0, server.LocalEndPoint.Port);
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        var request = new StunMessageBuilder(StunMessageType.BindingRequest, StunTransactionId.NewId()).AddFingerprint().Build();
        var result = await BindAsync(server.LocalEndPoint, client, request, cts.Token);
        cts.Cancel();

        Assert.True(result.IsSuccess, result.ToString());
        Assert.True(result.Response!.TryGetXorAddress(out XorMappedAddress mapped));
        Assert.Equal(client.Client.LocalEndPoint, mapped.EndPoint);
        Assert.Equal(StunIntegrityStatus.Valid, Fingerprint.Verify(result.Response));
        Assert.True(server.ResponsesSent >= 1);
    }

    [Fact]
    public async Task IceCredentialsOverLoopback_AnswerOnlyTheRightPassword()
    {
        await using var server = StunServer.Start(new IPEndPoint(IPAddress.Loopback, 0), new StunBindingResponder(StunBindingResponderOptions.ForIce("srv", "serverpassword")));
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var key = StunCredentials.ShortTermKey("serverpassword");

        var good = new StunMessageBuilder(StunMessageType.BindingRequest, StunTransactionId.NewId())
            .Add(new Username("srv:cli")).AddMessageIntegrity(key).AddFingerprint().Build();
        var result = await BindAsync(server.LocalEndPoint, client, good, cts.Token);
        Assert.True(result.IsSuccess);
        Assert.Equal(StunIntegrityStatus.Valid, MessageIntegrity.Verify(result.Response!, key));

        var bad = new StunMessageBuilder(StunMessageType.BindingRequest, StunTransactionId.NewId())
            .Add(new Username("srv:cli")).AddMessageIntegrity("nope"u8).AddFingerprint().Build();
        var rejected = await BindAsync(server.LocalEndPoint, client, bad, cts.Token);
        Assert.Equal(StunTransactionOutcome.ErrorResponse, rejected.Outcome);
        Assert.Equal(401, rejected.Error?.Code);
        cts.Cancel();
    }

    [Fact]
    public async Task NonStunTraffic_IsCountedAndIgnored()
    {
        await using var server = StunServer.Start(new IPEndPoint(IPAddress.Loopback, 0));
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await client.SendAsync(new byte[] { 22, 254, 253, 0, 1 }, server.LocalEndPoint);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (server.DatagramsDropped == 0 && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.Equal(1, server.DatagramsDropped);
        Assert.Equal(0, server.ResponsesSent);
    }

    [SkippableFact]
    public async Task BindingOverIPv6Loopback()
    {
        Interop.Require(Socket.OSSupportsIPv6, "IPv6 is not available on this host");
        StunServer server;
        try
        {
            server = StunServer.Start(new IPEndPoint(IPAddress.IPv6Loopback, 0));
        }
        catch (SocketException ex)
        {
            Interop.Require(false, $"cannot bind [::1]: {ex.SocketErrorCode}");
            return;
        }
        await using var _ = server;
        using var client = new UdpClient(new IPEndPoint(IPAddress.IPv6Loopback, 0));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var result = await BindAsync(server.LocalEndPoint, client, new StunMessageBuilder(StunMessageType.BindingRequest, StunTransactionId.NewId()).Build(), cts.Token);
        cts.Cancel();
        Assert.True(result.Response!.TryGetXorAddress(out XorMappedAddress mapped));
        Assert.Equal(client.Client.LocalEndPoint, mapped.EndPoint);
    }

    [Fact]
    public async Task Dispose_IsIdempotentAndReleasesThePort()
    {
        var server = StunServer.Start(new IPEndPoint(IPAddress.Loopback, 0));
        var endPoint = server.LocalEndPoint;
        await server.DisposeAsync();
        await server.DisposeAsync();
        await using var again = StunServer.Start(endPoint);
        Assert.Equal(endPoint, again.LocalEndPoint);
    }
}
