using System.Buffers.Binary;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Org.BouncyCastle.Tls;
using WebRtcPS.Engine.Dtls;

namespace WebRtcPS.Engine.Tests.Dtls;

/// <summary>One full BouncyCastle DTLS 1.2 handshake (the engine's WebRtcDtlsClient and
/// WebRtcDtlsServer, behind BC's DtlsVerifier for the HelloVerifyRequest, client authentication on) run in-process over a pair
/// of queues, with every datagram recorded. The epoch-0 handshake messages are reassembled per
/// direction; Finished is encrypted, so its verify_data comes from BC's SecurityParameters.</summary>
internal sealed class MsgBouncyCastleCapture
{
    private static readonly Lazy<MsgBouncyCastleCapture> Shared = new(Run);

    public static MsgBouncyCastleCapture Instance => Shared.Value;

    /// <summary>Client-sent messages (type, whole body), in order, retransmissions dropped.</summary>
    public List<(DtlsHandshakeType Type, ushort Seq, byte[] Body)> FromClient { get; } = [];

    public List<(DtlsHandshakeType Type, ushort Seq, byte[] Body)> FromServer { get; } = [];

    /// <summary>The client's first datagram, as it went on the wire (one record, the first ClientHello).</summary>
    public byte[] FirstClientDatagram { get; private set; } = [];

    /// <summary>The encrypted epoch-1 handshake records (the Finished messages), client's then server's.</summary>
    public List<byte[]> EncryptedClientRecords { get; } = [];
    public List<byte[]> EncryptedServerRecords { get; } = [];

    public byte[] ClientVerifyData { get; private set; } = [];
    public byte[] ServerVerifyData { get; private set; } = [];

    public byte[] Body(DtlsHandshakeType type, bool fromClient, int occurrence = 0) =>
        (fromClient ? FromClient : FromServer).Where(m => m.Type == type).ElementAt(occurrence).Body;

    private static MsgBouncyCastleCapture Run()
    {
        var capture = new MsgBouncyCastleCapture();
        var toServer = new BlockingCollection<byte[]>();
        var toClient = new BlockingCollection<byte[]>();
        var clientSent = new ConcurrentQueue<byte[]>();
        var serverSent = new ConcurrentQueue<byte[]>();
        var clientTransport = new QueueTransport(toClient, toServer, clientSent);
        var serverTransport = new QueueTransport(toServer, toClient, serverSent);

        var clientSession = new DtlsPeerSession(DtlsTestPeers.Parameters(DtlsRole.Client), new DotNetTlsCrypto(), NullLogger.Instance);
        var serverSession = new DtlsPeerSession(DtlsTestPeers.Parameters(DtlsRole.Server), new DotNetTlsCrypto(), NullLogger.Instance);
        var client = new WebRtcDtlsClient(clientSession);
        var server = new WebRtcDtlsServer(serverSession);

        var serverRun = Task.Factory.StartNew(() =>
        {
            // A server answers a ClientHello with a HelloVerifyRequest first (RFC 6347 §4.2.1):
            // BC's DtlsVerifier does that statelessly, then Accept continues from the verified hello.
            var verifier = new DtlsVerifier(serverSession.Crypto);
            var buffer = new byte[1500];
            DtlsRequest? request = null;
            while (request is null)
            {
                int n = serverTransport.Receive(buffer, 0, buffer.Length, 60_000);
                if (n < 0) throw new TimeoutException("No ClientHello.");
                request = verifier.VerifyRequest([1, 2, 3, 4], buffer, 0, n, serverTransport);
            }
            return new DtlsServerProtocol().Accept(server, serverTransport, request);
        }, TaskCreationOptions.LongRunning);
        var clientRun = Task.Factory.StartNew(() => new DtlsClientProtocol().Connect(client, clientTransport), TaskCreationOptions.LongRunning);
        if (!Task.WaitAll([serverRun, clientRun], TimeSpan.FromSeconds(60)))
            throw new TimeoutException("The BouncyCastle handshake did not finish.");

        capture.FirstClientDatagram = clientSent.First();
        Collect(clientSent, capture.FromClient, capture.EncryptedClientRecords);
        Collect(serverSent, capture.FromServer, capture.EncryptedServerRecords);
        capture.ClientVerifyData = client.Context.SecurityParameters.LocalVerifyData;
        capture.ServerVerifyData = server.Context.SecurityParameters.LocalVerifyData;
        clientRun.Result.Close();
        serverRun.Result.Close();
        return capture;
    }

    /// <summary>Splits datagrams into DTLS records (RFC 6347 §4.1: type(1) version(2) epoch(2)
    /// seq(6) length(2)) and reassembles epoch-0 handshake fragments with DtlsHandshakeHeader.</summary>
    private static void Collect(IEnumerable<byte[]> datagrams, List<(DtlsHandshakeType, ushort, byte[])> messages, List<byte[]> encrypted)
    {
        var bodies = new SortedDictionary<ushort, (DtlsHandshakeType Type, byte[] Body)>();
        foreach (var datagram in datagrams)
        {
            var rest = datagram.AsSpan();
            while (rest.Length >= 13)
            {
                byte contentType = rest[0];
                ushort epoch = BinaryPrimitives.ReadUInt16BigEndian(rest[3..]);
                int length = BinaryPrimitives.ReadUInt16BigEndian(rest[11..]);
                var fragment = rest.Slice(13, length);
                if (contentType == 22 && epoch == 1) encrypted.Add(rest[..(13 + length)].ToArray());
                if (contentType == 22 && epoch == 0)
                {
                    while (!fragment.IsEmpty)
                    {
                        if (!DtlsHandshakeHeader.TryParse(fragment, out var h)) throw new InvalidDataException("BC wrote a bad handshake header.");
                        if (!bodies.TryGetValue(h.MessageSeq, out var entry))
                            bodies[h.MessageSeq] = entry = (h.Type, new byte[h.Length]);
                        fragment.Slice(DtlsHandshakeHeader.Size, h.FragmentLength).CopyTo(entry.Body.AsSpan(h.FragmentOffset));
                        fragment = fragment[(DtlsHandshakeHeader.Size + h.FragmentLength)..];
                    }
                }
                rest = rest[(13 + length)..];
            }
        }
        foreach (var (seq, (type, body)) in bodies) messages.Add((type, seq, body));
    }

    /// <summary>BC's blocking DatagramTransport over two queues; Receive returns -1 on timeout.</summary>
    private sealed class QueueTransport(BlockingCollection<byte[]> inbound, BlockingCollection<byte[]> outbound, ConcurrentQueue<byte[]> sent)
        : DatagramTransport
    {
        public int GetReceiveLimit() => 1500;
        public int GetSendLimit() => 1200;

        public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

        public int Receive(Span<byte> buffer, int waitMillis)
        {
            if (!inbound.TryTake(out var datagram, waitMillis)) return -1;
            datagram.CopyTo(buffer);
            return datagram.Length;
        }

        public void Send(byte[] buf, int off, int len) => Send(buf.AsSpan(off, len));

        public void Send(ReadOnlySpan<byte> buffer)
        {
            var copy = buffer.ToArray();
            sent.Enqueue(copy);
            outbound.Add(copy);
        }

        public void Close()
        {
        }
    }
}
