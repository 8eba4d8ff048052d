using WebRtcPS.Engine.Dtls;

namespace WebRtcPS.Engine.Tests.Dtls;

/// <summary>
/// A client and a server <see cref="DtlsConnection"/> wired back to back in memory, with a manual
/// clock: <see cref="Pump"/> delivers queued datagrams until both sides are quiet, <see cref="Advance"/>
/// moves the clock and fires due timers. <see cref="Filter"/> sees every datagram (direction, index
/// per direction, bytes) and may drop it (false) or change it in place.
/// </summary>
internal sealed class DtlsConnectionPair : IDisposable
{
    private readonly Queue<byte[]> _toServer = new();
    private readonly Queue<byte[]> _toClient = new();
    private int _clientSent;
    private int _serverSent;

    public DtlsConnectionPair(int mtu = 1200, Func<byte[], DtlsPeerCheck>? serverVerify = null, Func<byte[], DtlsPeerCheck>? clientVerify = null,
        RTCCertificate? clientCertificate = null, RTCCertificate? serverCertificate = null)
    {
        var clientCert = clientCertificate ?? DtlsTestPeers.ClientCertificate;
        var serverCert = serverCertificate ?? DtlsTestPeers.ServerCertificate;
        Client = new DtlsConnection(new DtlsConnectionOptions
        {
            Role = DtlsRole.Client,
            Certificate = clientCert,
            VerifyPeer = clientVerify ?? (der => Expect(DtlsTestPeers.ServerCertificate, der)),
            MaxDatagramSize = mtu,
        }, d => Queue(true, d), (b, n) => { ClientReceived.Add(b.AsSpan(0, n).ToArray()); return false; });
        Server = new DtlsConnection(new DtlsConnectionOptions
        {
            Role = DtlsRole.Server,
            Certificate = serverCert,
            VerifyPeer = serverVerify ?? (der => Expect(DtlsTestPeers.ClientCertificate, der)),
            MaxDatagramSize = mtu,
        }, d => Queue(false, d), (b, n) => { ServerReceived.Add(b.AsSpan(0, n).ToArray()); return false; });
    }

    public DtlsConnection Client { get; }
    public DtlsConnection Server { get; }
    public long Now { get; private set; }
    public List<byte[]> ClientReceived { get; } = [];
    public List<byte[]> ServerReceived { get; } = [];

    /// <summary>Every datagram sent, in order: (fromClient, bytes as sent).</summary>
    public List<(bool FromClient, byte[] Datagram)> Wire { get; } = [];

    /// <summary>(fromClient, index among that side's datagrams, bytes) → deliver?</summary>
    public Func<bool, int, byte[], bool>? Filter { get; set; }

    public static DtlsPeerCheck Expect(RTCCertificate expected, byte[] der) =>
        der.AsSpan().SequenceEqual(expected.RawData.Span)
            ? DtlsPeerCheck.Accepted
            : DtlsPeerCheck.Rejected(new DtlsException(DtlsError.FingerprintMismatch, "not the expected certificate"));

    public void Start()
    {
        Server.Start(Now);
        Client.Start(Now);
        Pump();
    }

    /// <summary>Delivers queued datagrams until none is left.</summary>
    public void Pump()
    {
        for (var guard = 0; guard < 10_000 && (_toServer.Count > 0 || _toClient.Count > 0); guard++)
        {
            if (_toServer.TryDequeue(out var d)) Server.OnDatagram(d, Now);
            if (_toClient.TryDequeue(out var e)) Client.OnDatagram(e, Now);
        }
    }

    /// <summary>Moves the clock by <paramref name="milliseconds"/>, fires timers, and pumps.</summary>
    public void Advance(int milliseconds)
    {
        Now += milliseconds;
        Client.OnTimer(Now);
        Server.OnTimer(Now);
        Pump();
    }

    /// <summary>Advances in 100 ms steps until both are connected or <paramref name="limitMs"/> passes.</summary>
    public bool RunUntilConnected(int limitMs = 10_000)
    {
        for (var t = 0; t <= limitMs; t += 100)
        {
            if (Client.State == DtlsConnectionState.Connected && Server.State == DtlsConnectionState.Connected) return true;
            if (Client.State == DtlsConnectionState.Failed || Server.State == DtlsConnectionState.Failed) return false;
            Advance(100);
        }
        return false;
    }

    /// <summary>Seals <paramref name="text"/> on one side and hands the record to the other.</summary>
    public void SendApplicationData(bool fromClient, byte[] payload)
    {
        var sender = fromClient ? Client : Server;
        var record = new byte[payload.Length + 64];
        var n = sender.SealApplicationData(payload, record);
        Queue(fromClient, record.AsSpan(0, n));
        Pump();
    }

    private void Queue(bool fromClient, ReadOnlySpan<byte> datagram)
    {
        var copy = datagram.ToArray();
        var index = fromClient ? _clientSent++ : _serverSent++;
        Wire.Add((fromClient, copy.ToArray()));
        if (Filter is { } filter && !filter(fromClient, index, copy)) return;
        (fromClient ? _toServer : _toClient).Enqueue(copy);
    }

    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
    }
}
