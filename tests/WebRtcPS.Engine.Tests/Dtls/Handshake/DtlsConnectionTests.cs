using System.Text;
using WebRtcPS.Engine.Dtls;

namespace WebRtcPS.Engine.Tests.Dtls;

/// <summary>Our own DTLS 1.2 (<see cref="DtlsConnection"/>), client against server in memory with a
/// manual clock: the handshake, application data, loss and retransmission (RFC 6347 §4.2.4),
/// fragmentation (§4.2.3), tampering and replay (§4.1.2.6-7), and the failures a peer can cause.</summary>
public class DtlsConnectionTests
{
    [Fact]
    public void ClientAndServer_Connect_InTwoRoundTrips_WithAes128GcmAndEachOthersCertificate()
    {
        using var pair = new DtlsConnectionPair();
        pair.Start();

        Assert.Equal(DtlsConnectionState.Connected, pair.Client.State);
        Assert.Equal(DtlsConnectionState.Connected, pair.Server.State);
        Assert.Equal(0L, pair.Now);
        Assert.Equal("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", pair.Client.CipherSuite!.Name);
        Assert.Equal(pair.Client.CipherSuite, pair.Server.CipherSuite);
        Assert.Equal(DtlsTestPeers.ServerCertificate.RawData.ToArray(), pair.Client.RemoteCertificate);
        Assert.Equal(DtlsTestPeers.ClientCertificate.RawData.ToArray(), pair.Server.RemoteCertificate);
        // One datagram per flight: ClientHello, flight 4, flight 5, flight 6.
        Assert.Equal([true, false, true, false], pair.Wire.Select(w => w.FromClient));
        Assert.Equal((ushort)0x0007, pair.Client.SrtpProfile);
        Assert.Equal(long.MaxValue, pair.Client.NextTimeout);
        Assert.Equal(long.MaxValue, pair.Server.NextTimeout);
    }

    [Fact]
    public void ApplicationData_FlowsBothWays_AndOnlyEncrypted()
    {
        using var pair = new DtlsConnectionPair();
        pair.Start();
        var hello = Encoding.UTF8.GetBytes("hello from the client");
        pair.SendApplicationData(fromClient: true, hello);
        pair.SendApplicationData(fromClient: false, [.. "reply"u8]);

        Assert.Equal(hello, Assert.Single(pair.ServerReceived));
        Assert.Equal("reply"u8.ToArray(), Assert.Single(pair.ClientReceived));
        var record = pair.Wire[^2].Datagram;
        Assert.Equal(23, record[0]);
        Assert.Equal(13 + 24 + hello.Length, record.Length);
        Assert.DoesNotContain("hello", Encoding.Latin1.GetString(record), StringComparison.Ordinal);
    }

    [Fact]
    public void AReplayedRecord_IsDeliveredOnce_AndATamperedOneNotAtAll()
    {
        using var pair = new DtlsConnectionPair();
        pair.Start();
        pair.SendApplicationData(fromClient: true, [1, 2, 3]);
        var record = pair.Wire[^1].Datagram;

        pair.Server.OnDatagram(record, pair.Now);   // the same record again
        var tampered = (byte[])record.Clone();
        tampered[^1] ^= 0x01;
        pair.Server.OnDatagram(tampered, pair.Now);

        Assert.Single(pair.ServerReceived);
        Assert.Equal(2, pair.Server.RecordsDiscarded);
        Assert.Equal(DtlsConnectionState.Connected, pair.Server.State);
    }

    [Fact]
    public void ApplicationDataThatOvertakesTheFinished_IsDeliveredOnceTheFinishedIsChecked()
    {
        using var pair = new DtlsConnectionPair();
        byte[]? flight6 = null;
        pair.Filter = (fromClient, index, d) =>
        {
            if (!fromClient && index == 1)
            {
                flight6 = d;   // hold the server's ChangeCipherSpec + Finished
                return false;
            }
            return true;
        };
        pair.Start();
        Assert.Equal(DtlsConnectionState.Connected, pair.Server.State);
        var message = new byte[100];
        var n = pair.Server.SealApplicationData("first"u8, message);
        pair.Client.OnDatagram(message.AsSpan(0, n), pair.Now);   // before the Finished
        Assert.Empty(pair.ClientReceived);
        pair.Client.OnDatagram(flight6!, pair.Now);
        Assert.Equal(DtlsConnectionState.Connected, pair.Client.State);
        Assert.Equal("first"u8.ToArray(), Assert.Single(pair.ClientReceived));
        pair.Client.OnDatagram(message.AsSpan(0, n), pair.Now);   // and a replay of it is still a replay
        Assert.Single(pair.ClientReceived);
    }

    [Fact]
    public void TheClient_MaySendAfterItsFinished_AndTheServerDeliversItAfterItsOwn()
    {
        using var pair = new DtlsConnectionPair();
        byte[]? flight6 = null;
        pair.Filter = (fromClient, index, d) =>
        {
            if (!fromClient && index == 1)
            {
                flight6 = d;   // the server's ChangeCipherSpec + Finished, held back
                return false;
            }
            return true;
        };
        Assert.False(pair.Client.CanSendEarly);
        pair.Start();
        // RFC 7918: the client has sent its Finished; the server's has not come.
        Assert.Equal(DtlsConnectionState.Handshaking, pair.Client.State);
        Assert.True(pair.Client.CanSendEarly);
        Assert.False(pair.Server.CanSendEarly);
        pair.SendApplicationData(fromClient: true, "early"u8.ToArray());
        Assert.Equal("early"u8.ToArray(), Assert.Single(pair.ServerReceived));

        pair.Client.OnDatagram(flight6!, pair.Now);
        Assert.Equal(DtlsConnectionState.Connected, pair.Client.State);
        Assert.False(pair.Client.CanSendEarly);
    }

    [Fact]
    public void NoClientRecordIsSealedBeforeItsFinishedIsSent()
    {
        using var pair = new DtlsConnectionPair();
        pair.Filter = (fromClient, _, _) => fromClient;   // the server's flight 4 never comes
        pair.Start();
        Assert.False(pair.Client.CanSendEarly);
        Assert.Throws<InvalidOperationException>(() => pair.Client.SealApplicationData("x"u8, new byte[64]));
    }

    [Fact]
    public void LostServerFlight_IsResentByTheServersTimer_AfterOneSecond()
    {
        using var pair = new DtlsConnectionPair();
        pair.Filter = (fromClient, index, _) => fromClient || index != 0;   // drop flight 4 once
        pair.Start();
        Assert.Equal(DtlsConnectionState.Handshaking, pair.Client.State);
        Assert.Equal(1000, pair.Server.NextTimeout);

        pair.Advance(999);
        Assert.Equal(DtlsConnectionState.Handshaking, pair.Client.State);
        pair.Advance(1);
        Assert.Equal(DtlsConnectionState.Connected, pair.Client.State);
        Assert.Equal(DtlsConnectionState.Connected, pair.Server.State);
        Assert.Equal(1, pair.Server.Retransmissions);
    }

    [Fact]
    public void LostFinalFlight_TheClientResendsFlight5_AndTheServerAnswersWithItsFinishedAgain()
    {
        using var pair = new DtlsConnectionPair();
        pair.Filter = (fromClient, index, _) => fromClient || index != 1;   // drop flight 6 once
        pair.Start();
        Assert.Equal(DtlsConnectionState.Connected, pair.Server.State);
        Assert.Equal(DtlsConnectionState.Handshaking, pair.Client.State);

        pair.Advance(1000);
        Assert.Equal(DtlsConnectionState.Connected, pair.Client.State);
        Assert.Equal(1, pair.Client.Retransmissions);
        Assert.Equal(1, pair.Server.Retransmissions);
        // The retransmitted records carry new sequence numbers (RFC 6347 §4.2.4).
        var flights5 = pair.Wire.Where(w => w.FromClient).Skip(1).Take(2).Select(w => w.Datagram).ToList();
        Assert.Equal(2, flights5.Count);
        Assert.NotEqual(flights5[0].AsSpan(5, 6).ToArray(), flights5[1].AsSpan(5, 6).ToArray());
    }

    [Fact]
    public void LostClientFlight5_IsResentAtDoubledIntervals_UntilItArrives()
    {
        using var pair = new DtlsConnectionPair();
        var drops = 3;
        pair.Filter = (fromClient, index, _) => !(fromClient && index >= 1 && drops-- > 0);
        pair.Start();
        Assert.Equal(1000, pair.Client.NextTimeout);
        pair.Advance(1000);   // re-sent at 1 s (the server's flight 4 came again too: answered once)
        Assert.Equal(3000, pair.Client.NextTimeout);
        Assert.True(pair.RunUntilConnected(10_000));
        Assert.True(drops < 0);   // all three were dropped, and a fourth copy went through
        Assert.True(pair.Client.Retransmissions >= 2);
        Assert.True(pair.Now <= 7000, $"connected at {pair.Now} ms");
    }

    [Fact]
    public void ASmallMtu_FragmentsTheCertificates_AndEveryDatagramFits()
    {
        using var pair = new DtlsConnectionPair(mtu: 160);
        pair.Start();
        Assert.True(pair.RunUntilConnected());
        Assert.All(pair.Wire, w => Assert.True(w.Datagram.Length <= 160, $"{w.Datagram.Length} bytes"));
        Assert.True(pair.Wire.Count > 8);
    }

    [Fact]
    public void ReorderedDatagrams_StillConnect()
    {
        using var pair = new DtlsConnectionPair(mtu: 200);
        var held = new List<(bool, byte[])>();
        // Hold every datagram of the first exchange, then deliver them in reverse.
        pair.Filter = (fromClient, _, d) =>
        {
            if (held.Count < 6 && !fromClient)
            {
                held.Add((fromClient, d));
                return false;
            }
            return true;
        };
        pair.Start();
        pair.Filter = null;
        foreach (var (_, d) in Enumerable.Reverse(held)) pair.Client.OnDatagram(d, pair.Now);
        pair.Pump();
        Assert.True(pair.RunUntilConnected());
    }

    [Fact]
    public void AWrongServerCertificate_FailsTheClient_WithBadCertificate_AndTheServerHearsTheAlert()
    {
        using var pair = new DtlsConnectionPair(serverCertificate: DtlsTestPeers.Stranger);
        pair.Start();

        Assert.Equal(DtlsConnectionState.Failed, pair.Client.State);
        Assert.Equal(DtlsError.FingerprintMismatch, pair.Client.Error!.Error);
        Assert.Equal(DtlsConnectionState.Failed, pair.Server.State);
        Assert.Equal(DtlsError.AlertReceived, pair.Server.Error!.Error);
        Assert.Equal(TlsAlertDescription.BadCertificate, pair.Server.Error.Alert);
    }

    [Fact]
    public void AWrongClientCertificate_FailsTheServer_BeforeItsFinished()
    {
        using var pair = new DtlsConnectionPair(clientCertificate: DtlsTestPeers.Stranger);
        pair.Start();

        Assert.Equal(DtlsConnectionState.Failed, pair.Server.State);
        Assert.Equal(DtlsError.FingerprintMismatch, pair.Server.Error!.Error);
        Assert.Equal(DtlsConnectionState.Failed, pair.Client.State);
        Assert.Equal(TlsAlertDescription.BadCertificate, pair.Client.Error!.Alert);
        Assert.DoesNotContain(pair.Wire, w => !w.FromClient && w.Datagram[0] == 20);   // no ChangeCipherSpec from the server
    }

    [Fact]
    public void AServerWithoutTheFingerprintsYet_WaitsBeforeItsFinished_AndConnectsOnTheVerdict()
    {
        DtlsPeerCheck verdict = DtlsPeerCheck.Later;
        using var pair = new DtlsConnectionPair(serverVerify: _ => verdict);
        pair.Start();
        Assert.Equal(DtlsConnectionState.Handshaking, pair.Server.State);
        Assert.True(pair.Server.AwaitingPeerVerdict);

        pair.Server.SetPeerVerdict(null, pair.Now);
        pair.Pump();
        Assert.Equal(DtlsConnectionState.Connected, pair.Server.State);
        Assert.Equal(DtlsConnectionState.Connected, pair.Client.State);
    }

    [Fact]
    public void AServerWithoutTheFingerprintsYet_FailsOnARejectingVerdict()
    {
        using var pair = new DtlsConnectionPair(serverVerify: _ => DtlsPeerCheck.Later);
        pair.Start();
        pair.Server.SetPeerVerdict(new DtlsException(DtlsError.FingerprintMismatch, "mismatch"), pair.Now);
        pair.Pump();
        Assert.Equal(DtlsConnectionState.Failed, pair.Server.State);
        Assert.Equal(DtlsError.FingerprintMismatch, pair.Server.Error!.Error);
        Assert.Equal(DtlsConnectionState.Failed, pair.Client.State);
    }

    [Fact]
    public void ATamperedFinished_IsDiscarded_AndTheRetransmissionConnects()
    {
        using var pair = new DtlsConnectionPair();
        var tamper = true;
        pair.Filter = (fromClient, index, d) =>
        {
            if (fromClient && index == 1 && tamper)
            {
                d[^3] ^= 0x40;   // inside the encrypted Finished's tag
                tamper = false;
            }
            return true;
        };
        pair.Start();
        Assert.Equal(DtlsConnectionState.Handshaking, pair.Server.State);
        Assert.True(pair.Server.RecordsDiscarded >= 1);
        pair.Advance(1000);
        Assert.Equal(DtlsConnectionState.Connected, pair.Server.State);
        Assert.Equal(DtlsConnectionState.Connected, pair.Client.State);
    }

    [Fact]
    public void CloseNotify_ClosesThePeer_AndIsAnswered()
    {
        using var pair = new DtlsConnectionPair();
        pair.Start();
        var before = pair.Wire.Count;
        pair.Client.Close();
        pair.Pump();   // nothing queued: Close sends directly through the sink
        Assert.Equal(DtlsConnectionState.Closed, pair.Client.State);
        // Deliver the client's close_notify.
        pair.Server.OnDatagram(pair.Wire[before].Datagram, pair.Now);
        Assert.Equal(DtlsConnectionState.Closed, pair.Server.State);
        Assert.True(pair.Server.CloseNotifyReceived);
        Assert.Equal(21, pair.Wire[^1].Datagram[0]);   // the server's own close_notify (an alert record)
    }

    [Fact]
    public void Garbage_NeverThrows_AndLosesNothing()
    {
        using var pair = new DtlsConnectionPair();
        var random = new Random(7);
        pair.Server.Start(0);
        for (var i = 0; i < 2000; i++)
        {
            var junk = new byte[random.Next(0, 300)];
            random.NextBytes(junk);
            if (junk.Length > 0 && i % 2 == 0) junk[0] = (byte)random.Next(20, 24);
            if (junk.Length > 2 && i % 4 == 0) { junk[1] = 0xFE; junk[2] = 0xFD; }
            pair.Server.OnDatagram(junk, 0);
            pair.Client.OnDatagram(junk, 0);
        }
        // Whatever the junk did, a real handshake still works on fresh connections of the same pair type.
        using var fresh = new DtlsConnectionPair();
        fresh.Start();
        Assert.Equal(DtlsConnectionState.Connected, fresh.Client.State);
    }
}
