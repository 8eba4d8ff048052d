using System.Text;
using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Engine.Tests.Dtls;

/// <summary>Our DTLS against BouncyCastle's, each in both roles, through the transports the peer
/// connection uses (<see cref="DtlsTransports"/>): BouncyCastle is an independent implementation,
/// so this checks the wire format, the key schedule and Finished against someone else's.</summary>
public class DtlsImplementationInteropTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    private static DtlsParameters Parameters(DtlsRole role, DtlsImplementation implementation, RTCCertificate? expectedPeer = null) =>
        DtlsTestPeers.Parameters(role, expectedPeer: expectedPeer) with { Implementation = implementation };

    public static TheoryData<DtlsImplementation, DtlsImplementation> Pairs => new()
    {
        { DtlsImplementation.Native, DtlsImplementation.Native },
        { DtlsImplementation.Native, DtlsImplementation.BouncyCastle },
        { DtlsImplementation.BouncyCastle, DtlsImplementation.Native },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task ClientAndServer_Connect_AndExchangeRecords(DtlsImplementation client, DtlsImplementation server)
    {
        var link = new InMemoryDatagramLink();
        var accepting = DtlsTransports.StartWhenReadyAsync(link.B, Parameters(DtlsRole.Server, server), null, default);
        var connecting = DtlsTransports.StartWhenReadyAsync(link.A, Parameters(DtlsRole.Client, client), null, default);
        await using var c = await connecting.Within(Generous);
        await using var s = await accepting.Within(Generous);

        Assert.Equal(RTCDtlsTransportState.Connected, c.State);
        Assert.Equal(RTCDtlsTransportState.Connected, s.State);
        Assert.Equal("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", c.CipherSuite);
        Assert.Equal(c.CipherSuite, s.CipherSuite);
        Assert.Equal(DtlsTestPeers.ServerCertificate.GetFingerprints()[0], c.RemoteFingerprint);
        Assert.Equal(DtlsTestPeers.ClientCertificate.GetFingerprints()[0], s.RemoteFingerprint);
        Assert.Equal(1200 - 37, c.MaxDatagramSize);

        var buffer = new byte[2048];
        for (var i = 0; i < 20; i++)
        {
            await c.SendAsync(Encoding.ASCII.GetBytes($"ping {i}"));
            var n = await s.ReceiveAsync(buffer).AsTask().Within(Generous);
            Assert.Equal($"ping {i}", Encoding.ASCII.GetString(buffer, 0, n));
            await s.SendAsync(Encoding.ASCII.GetBytes($"pong {i}"));
            n = await c.ReceiveAsync(buffer).AsTask().Within(Generous);
            Assert.Equal($"pong {i}", Encoding.ASCII.GetString(buffer, 0, n));
        }
        // A full-size record each way.
        var big = new byte[c.MaxDatagramSize];
        Random.Shared.NextBytes(big);
        await c.SendAsync(big);
        var m = await s.ReceiveAsync(buffer).AsTask().Within(Generous);
        Assert.Equal(big, buffer.AsSpan(0, m).ToArray());
    }

    [Theory]
    [InlineData(DtlsImplementation.Native)]
    [InlineData(DtlsImplementation.BouncyCastle)]
    public async Task ANativeClient_SendsOnFalseStart_BeforeTheServersFinished(DtlsImplementation server)
    {
        // What the client sends from EarlySend leaves right after its Finished. Our server delivers
        // it first; another may drop it (RFC 7918 leaves that to it) but must still connect.
        var link = new InMemoryDatagramLink();
        var earlyState = RTCDtlsTransportState.New;
        var parameters = Parameters(DtlsRole.Client, DtlsImplementation.Native) with
        {
            EarlySend = t =>
            {
                earlyState = t.State;
                t.SendAsync("early"u8.ToArray()).AsTask().GetAwaiter().GetResult();   // a datagram send: completes at once
            },
        };
        var accepting = DtlsTransports.StartWhenReadyAsync(link.B, Parameters(DtlsRole.Server, server), null, default);
        var connecting = DtlsTransports.StartWhenReadyAsync(link.A, parameters, null, default);
        await using var c = await connecting.Within(Generous);
        await using var s = await accepting.Within(Generous);
        Assert.Equal(RTCDtlsTransportState.Connecting, earlyState);

        await c.SendAsync("after"u8.ToArray());
        var buffer = new byte[2048];
        var n = await s.ReceiveAsync(buffer).AsTask().Within(Generous);
        var first = Encoding.ASCII.GetString(buffer, 0, n);
        if (server == DtlsImplementation.Native) Assert.Equal("early", first);
        if (first == "early")
        {
            n = await s.ReceiveAsync(buffer).AsTask().Within(Generous);
            first = Encoding.ASCII.GetString(buffer, 0, n);
        }
        Assert.Equal("after", first);
    }

    [Fact]
    public async Task ANativeClient_SendsWhatEarlySendSends_InItsFlight5Datagram()
    {
        // The peer connection makes its association when the transport is created and starts it in
        // EarlySend's handler: the INIT rides in the datagram of the client's Finished, so the server
        // reads it with the flight, before its own connect could send an INIT of its own.
        var link = new InMemoryDatagramLink();
        IDtlsTransport? created = null;
        var parameters = Parameters(DtlsRole.Client, DtlsImplementation.Native) with
        {
            Created = t => created = t,
            EarlySend = t => t.SendAsync("early"u8.ToArray()).AsTask().GetAwaiter().GetResult(),
        };
        var accepting = DtlsTransports.StartWhenReadyAsync(link.B, Parameters(DtlsRole.Server, DtlsImplementation.Native), null, default);
        var connecting = DtlsTransports.StartWhenReadyAsync(link.A, parameters, null, default);
        Assert.NotNull(created);   // before the first flight, on the caller's thread
        Assert.Equal(RTCDtlsTransportState.Connecting, created!.State);
        await using var c = await connecting.Within(Generous);
        await using var s = await accepting.Within(Generous);
        Assert.Same(created, c);

        var buffer = new byte[2048];
        var n = await s.ReceiveAsync(buffer).AsTask().Within(Generous);
        Assert.Equal("early", Encoding.ASCII.GetString(buffer, 0, n));
        // ClientHello; Certificate ... Finished + the record (a flight re-sent by its timer on a
        // starved machine adds one datagram of its own).
        Assert.Equal(2, link.A.Sent - ((DtlsConnectionTransport)c).Retransmissions);
    }

    [Fact]
    public async Task ANativeServer_SendsItsFinishedAndTheRecordItsConnectSetOff_InOneDatagram()
    {
        // The peer connection answers the client's INIT on the thread that completed the handshake:
        // that INIT-ACK leaves in the datagram of the server's Finished.
        var link = new InMemoryDatagramLink();
        var accepting = DtlsTransports.StartWhenReadyAsync(link.B, Parameters(DtlsRole.Server, DtlsImplementation.Native), null, default);
        var answered = accepting.ContinueWith(t => t.Result.SendAsync("answer"u8.ToArray()).AsTask(),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).Unwrap();
        var connecting = DtlsTransports.StartWhenReadyAsync(link.A, Parameters(DtlsRole.Client, DtlsImplementation.Native), null, default);
        await using var c = await connecting.Within(Generous);
        await using var s = await accepting.Within(Generous);
        await answered.Within(Generous);
        var buffer = new byte[2048];
        var n = await c.ReceiveAsync(buffer).AsTask().Within(Generous);
        Assert.Equal("answer", Encoding.ASCII.GetString(buffer, 0, n));
        // ServerHello ... ServerHelloDone; ChangeCipherSpec, Finished + the record (less any flight re-sent by its timer).
        Assert.Equal(2, link.B.Sent - ((DtlsConnectionTransport)s).Retransmissions);
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task ALossyLink_StillConnects_ByRetransmission(DtlsImplementation client, DtlsImplementation server)
    {
        // Every datagram has a 30 % chance of loss each way; seeds chosen so the first flights suffer.
        var lossy = new LinkImpairment { LossRate = 0.3 };
        var link = new InMemoryDatagramLink(seed: 5, aToB: lossy, bToA: lossy);
        var accepting = DtlsTransports.StartWhenReadyAsync(link.B, Parameters(DtlsRole.Server, server), null, default);
        var connecting = DtlsTransports.StartWhenReadyAsync(link.A, Parameters(DtlsRole.Client, client), null, default);
        await using var c = await connecting.Within(Generous);
        await using var s = await accepting.Within(Generous);
        Assert.Equal(RTCDtlsTransportState.Connected, c.State);
        Assert.Equal(RTCDtlsTransportState.Connected, s.State);
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task AStrangersCertificate_FailsTheHandshake_WithAFingerprintMismatch(DtlsImplementation client, DtlsImplementation server)
    {
        var link = new InMemoryDatagramLink();
        // The client expects a certificate the server does not have.
        var accepting = DtlsTransports.StartWhenReadyAsync(link.B, Parameters(DtlsRole.Server, server) with { HandshakeTimeout = TimeSpan.FromSeconds(5) }, null, default);
        var connecting = DtlsTransports.StartWhenReadyAsync(link.A, Parameters(DtlsRole.Client, client, expectedPeer: DtlsTestPeers.Stranger) with { HandshakeTimeout = TimeSpan.FromSeconds(5) }, null, default);

        var clientError = await Assert.ThrowsAsync<DtlsException>(() => connecting.Within(Generous));
        Assert.Equal(DtlsError.FingerprintMismatch, clientError.Error);
        var serverError = await Assert.ThrowsAsync<DtlsException>(() => accepting.Within(Generous));
        Assert.Equal(DtlsError.AlertReceived, serverError.Error);
        Assert.Equal(TlsAlertDescription.BadCertificate, serverError.Alert);
    }

    [Fact]
    public async Task ANativeServerStartedBeforeTheFingerprints_ChecksTheClientWhenTheyCome()
    {
        var link = new InMemoryDatagramLink();
        var fingerprints = new TaskCompletionSource<IReadOnlyList<RTCDtlsFingerprint>>();
        var parameters = Parameters(DtlsRole.Server, DtlsImplementation.Native) with { RemoteFingerprints = [], RemoteFingerprintsLater = fingerprints.Task };
        var accepting = DtlsTransports.StartWhenReadyAsync(link.B, parameters, null, default);
        var connecting = DtlsTransports.StartWhenReadyAsync(link.A, Parameters(DtlsRole.Client, DtlsImplementation.Native), null, default);
        await Task.Delay(200);
        Assert.False(connecting.IsCompleted);   // the server holds its Finished
        fingerprints.SetResult(DtlsTestPeers.ClientCertificate.GetFingerprints());
        await using var c = await connecting.Within(Generous);
        await using var s = await accepting.Within(Generous);
        Assert.Equal(DtlsTestPeers.ClientCertificate.GetFingerprints()[0], s.RemoteFingerprint);
    }

    [Fact]
    public async Task ANativeClient_WithNoServer_TimesOut_Saying_HowManyDatagramsWent()
    {
        var link = new InMemoryDatagramLink();
        var parameters = Parameters(DtlsRole.Client, DtlsImplementation.Native) with { HandshakeTimeout = TimeSpan.FromSeconds(2.5) };
        var error = await Assert.ThrowsAsync<DtlsException>(() => DtlsTransports.StartWhenReadyAsync(link.A, parameters, null, default).Within(Generous));
        Assert.Equal(DtlsError.HandshakeTimeout, error.Error);
        Assert.Contains("2 datagrams sent", error.Message);   // the ClientHello at 0 and 1 s
        Assert.Contains("peer is silent", error.Message);
    }

    [Fact]
    public async Task ANativeTransport_ClosedByThePeer_EndsItsReceiveWithObjectDisposed()
    {
        var link = new InMemoryDatagramLink();
        var accepting = DtlsTransports.StartWhenReadyAsync(link.B, Parameters(DtlsRole.Server, DtlsImplementation.Native), null, default);
        var c = await DtlsTransports.StartWhenReadyAsync(link.A, Parameters(DtlsRole.Client, DtlsImplementation.Native), null, default).Within(Generous);
        await using var s = await accepting.Within(Generous);
        var closed = new TaskCompletionSource<RTCDtlsTransportState>();
        // State events are raised in order from a queue, so Connecting and Connected may still
        // arrive after the accept completed: wait for the one that ends the transport.
        s.StateChanged += (_, state) => { if (state is RTCDtlsTransportState.Closed or RTCDtlsTransportState.Failed) closed.TrySetResult(state); };
        await c.DisposeAsync();
        Assert.Equal(RTCDtlsTransportState.Closed, await closed.Task.Within(Generous));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => s.ReceiveAsync(new byte[100]).AsTask().Within(Generous));
    }
}
