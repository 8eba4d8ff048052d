using System.Buffers;
using System.Security.Cryptography;

namespace WebRtcPS.Engine.Dtls;

/// <summary>Takes one decrypted application record: <paramref name="buffer"/> (from
/// <see cref="ArrayPool{T}.Shared"/>) holds it in its first <paramref name="length"/> bytes. True:
/// the sink keeps the buffer (and returns it to the pool when done); false: it is the caller's again.</summary>
internal delegate bool ApplicationDataSink(byte[] buffer, int length);

/// <summary>The state of a <see cref="DtlsConnection"/>.</summary>
internal enum DtlsConnectionState { Handshaking, Connected, Closed, Failed }

/// <summary>
/// DTLS 1.2 (RFC 6347 over RFC 5246), sans I/O: datagrams and the clock go in
/// (<see cref="OnDatagram"/>, <see cref="OnTimer"/>), datagrams to send and decrypted application
/// records come out through the two sinks, synchronously. The handshake is the full one WebRTC
/// uses (RFC 8827 §6.5): ECDHE, both sides present certificates checked against the SDP
/// fingerprints, AES-GCM records. No resumption, renegotiation or HelloVerifyRequest from our
/// server (ICE's checks already proved the peer's address, RFC 8445 §7.2.5.1; a client answers one).
/// </summary>
/// <remarks>
/// <para>Not thread-safe except <see cref="SealApplicationData"/>, which may run beside the other
/// calls: the caller serializes <see cref="Start"/>, <see cref="OnDatagram"/>, <see cref="OnTimer"/>,
/// <see cref="SetPeerVerdict"/> and <see cref="Close"/>.</para>
/// <para>Flights: each is kept as messages, not bytes, and every (re)transmission writes fresh
/// records (new sequence numbers, the original epoch, RFC 6347 §4.2.4). A flight is re-sent when
/// its timer fires, or at once when the peer re-sends the flight before it (it lost ours).</para>
/// </remarks>
internal sealed partial class DtlsConnection : IDisposable
{
    /// <summary>Records of a future epoch held until the peer's ChangeCipherSpec (RFC 6347 §4.1:
    /// reordering may put the Finished before it).</summary>
    private const int MaxFutureRecords = 8;

    /// <summary>Fewest milliseconds between a re-send of our flight and one caused by the peer's
    /// retransmission: a flight re-sent as several datagrams is answered once, and a peer whose
    /// timer fired with ours gets one copy, not two.</summary>
    private const int DuplicateResponseGapMilliseconds = 100;

    private readonly DtlsConnectionOptions _options;
    private readonly DatagramSink _send;
    private readonly ApplicationDataSink _deliver;
    private readonly DtlsRecordWriter _writer = new();
    private readonly DtlsHandshakeReassembler _reassembler = new();
    private readonly ArrayBufferWriter<byte> _transcript = new(4096);
    private readonly List<byte[]> _futureRecords = [];
    private readonly List<byte[]> _earlyApplicationData = [];
    private readonly byte[] _datagram;

    private GcmRecordProtection? _readProtection;
    private GcmRecordProtection? _pendingReadProtection;
    private GcmRecordProtection? _pendingWriteProtection;
    private DtlsReplayWindow _replay = new();
    private ushort _readEpoch;
    private ushort _nextSendSeq;

    private List<FlightEntry>? _flight;
    private long _retransmitDue = long.MaxValue;
    private int _retransmitInterval;
    private long _lastResend = long.MinValue / 2;   // far past, without overflow in now - it

    // Negotiated.
    private byte[] _clientRandom = [];
    private byte[] _serverRandom = [];
    private DtlsCipherSuite? _suite;
    private bool _extendedMasterSecret;
    private EcdheKey? _ecdhe;
    private PeerPublicKey? _peerKey;
    private byte[]? _masterSecret;
    private IReadOnlyList<ushort>? _peerSchemes;

    public DtlsConnection(DtlsConnectionOptions options, DatagramSink send, ApplicationDataSink deliver)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _send = send;
        _deliver = deliver;
        _datagram = new byte[options.MaxDatagramSize];
        _retransmitInterval = options.InitialRetransmitMilliseconds;
        _step = options.Role == DtlsRole.Client ? Step.ServerHello : Step.ClientHello;
    }

    public DtlsRole Role => _options.Role;
    public DtlsConnectionState State { get; private set; } = DtlsConnectionState.Handshaking;

    /// <summary>Why the connection failed (<see cref="DtlsConnectionState.Failed"/>).</summary>
    public DtlsException? Error { get; private set; }

    /// <summary>The peer's end-entity certificate (DER), once it passed the check.</summary>
    public byte[]? RemoteCertificate { get; private set; }

    /// <summary>The negotiated suite (null before the hello exchange).</summary>
    public DtlsCipherSuite? CipherSuite => _suite;

    /// <summary>The DTLS-SRTP profile agreed (RFC 5764 §4.1.2), 0 for none.</summary>
    public ushort SrtpProfile { get; private set; }

    /// <summary>True when the peer closed with close_notify.</summary>
    public bool CloseNotifyReceived { get; private set; }

    /// <summary>When <see cref="OnTimer"/> should run next (milliseconds on the caller's clock), or <see cref="long.MaxValue"/>.</summary>
    public long NextTimeout => _retransmitDue;

    /// <summary>Largest application record that fits one datagram (the MTU minus header and AES-GCM overhead).</summary>
    public int MaxApplicationData => _options.MaxDatagramSize - DtlsRecordWriter.Overhead(1);

    public long DatagramsSent { get; private set; }
    public long DatagramsReceived { get; private set; }

    /// <summary>Records dropped: malformed, unauthenticated, replayed, or of an epoch we cannot read (RFC 6347 §4.1.2.7).</summary>
    public long RecordsDiscarded { get; private set; }

    /// <summary>Flights re-sent (timer or peer retransmission).</summary>
    public long Retransmissions { get; private set; }

    /// <summary>Starts the handshake: the client sends its ClientHello; the server waits for one.
    /// Both make their ephemeral P-256 key now, off the critical path.</summary>
    public void Start(long now)
    {
        if (Role == DtlsRole.Client) StartClient(now);
        _ecdhe ??= EcdheKey.Generate(DtlsAlgorithms.Secp256r1);
    }

    /// <summary>One datagram from the peer: zero or more records (RFC 6347 §4.1).</summary>
    public void OnDatagram(ReadOnlySpan<byte> datagram, long now)
    {
        if (State is DtlsConnectionState.Closed or DtlsConnectionState.Failed) return;
        DatagramsReceived++;
        var reader = new DtlsRecordReader(datagram);
        while (reader.TryReadNext(out var header, out var fragment, out var whole))
        {
            ProcessRecord(header, fragment, whole, now);
            if (State is DtlsConnectionState.Closed or DtlsConnectionState.Failed) return;
        }
        if (reader.Malformed) RecordsDiscarded++;
    }

    /// <summary>Re-sends the current flight when its timer is due, doubling the interval (RFC 6347 §4.2.4.1).</summary>
    public void OnTimer(long now)
    {
        if (now < _retransmitDue || _flight is null || State != DtlsConnectionState.Handshaking) return;
        Retransmissions++;
        _lastResend = now;
        _retransmitInterval = Math.Min(_retransmitInterval * 2, _options.MaxRetransmitMilliseconds);
        _retransmitDue = now + _retransmitInterval;
        SendFlight();
    }

    /// <summary>Counts the current flight's retransmission interval from <paramref name="now"/>: for a
    /// flight that was made before it could be sent (held until the ICE path was ready).</summary>
    public void RestartTimer(long now)
    {
        if (_retransmitDue != long.MaxValue) _retransmitDue = now + _retransmitInterval;
    }

    /// <summary>
    /// The client has sent its Finished and may send application data before the server's Finished
    /// comes (TLS False Start, RFC 7918): the server's certificate matched the SDP fingerprint, and
    /// every suite we offer is ECDHE with AES-GCM (§3: forward secret, AEAD). What the client sends
    /// now reaches only the holder of the certificate's key; the server's Finished still decides
    /// the handshake, and nothing is delivered to us before it.
    /// </summary>
    public bool CanSendEarly => State == DtlsConnectionState.Handshaking && Role == DtlsRole.Client && _step == Step.ServerFinished;

    /// <summary>Encrypts one application record into <paramref name="destination"/> (at least
    /// plaintext + 37 bytes); returns its length. Connected, or <see cref="CanSendEarly"/>.
    /// Thread-safe against the other calls.</summary>
    public int SealApplicationData(ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        if (State != DtlsConnectionState.Connected && !CanSendEarly) throw new InvalidOperationException("The DTLS connection is not open.");
        var n = _writer.Write(DtlsContentType.ApplicationData, 1, plaintext, destination);
        if (n == 0) throw new DtlsException(DtlsError.ProtocolError, "The DTLS record sequence numbers of this epoch are used up.");
        return n;
    }

    /// <summary>Sends close_notify (RFC 5246 §7.2.1) when connected, and closes.</summary>
    public void Close()
    {
        if (State == DtlsConnectionState.Connected) SendAlert(1, TlsAlertDescription.CloseNotify);
        if (State is DtlsConnectionState.Handshaking or DtlsConnectionState.Connected) State = DtlsConnectionState.Closed;
        _retransmitDue = long.MaxValue;
    }

    private void ProcessRecord(in DtlsRecordHeader header, ReadOnlySpan<byte> fragment, ReadOnlySpan<byte> whole, long now)
    {
        if (header.Epoch == 0)
        {
            switch (header.Type)
            {
                case DtlsContentType.Handshake:
                    OnHandshakeRecord(fragment, 0, now);
                    return;
                case DtlsContentType.ChangeCipherSpec:
                    OnChangeCipherSpec(fragment, now);
                    return;
                case DtlsContentType.Alert when _readEpoch == 0:
                    // Unauthenticated: honoured only before the peer's keys are in use.
                    OnAlert(fragment);
                    return;
                default:
                    RecordsDiscarded++;
                    return;
            }
        }
        if (header.Epoch != 1)
        {
            RecordsDiscarded++;
            return;
        }
        if (_readProtection is null)
        {
            if (_futureRecords.Count < MaxFutureRecords) _futureRecords.Add(whole.ToArray());
            else RecordsDiscarded++;
            return;
        }
        if (!_replay.IsFresh(header.SequenceNumber) || fragment.Length < GcmRecordProtection.Overhead)
        {
            RecordsDiscarded++;
            return;
        }
        byte[]? plaintext = ArrayPool<byte>.Shared.Rent(fragment.Length);
        try
        {
            if (!_readProtection.TryOpen(header, fragment, plaintext, out var n))
            {
                RecordsDiscarded++;   // RFC 6347 §4.1.2.7: invalid records are discarded silently
                return;
            }
            if (header.Type == DtlsContentType.ApplicationData && State == DtlsConnectionState.Handshaking)
            {
                // The peer's first message overtook its Finished (reordered datagrams): kept, not
                // yet marked as seen, and read once the Finished has been checked.
                if (_earlyApplicationData.Count < MaxFutureRecords) _earlyApplicationData.Add(whole.ToArray());
                else RecordsDiscarded++;
                return;
            }
            _replay.Accept(header.SequenceNumber);
            var body = plaintext.AsSpan(0, n);
            switch (header.Type)
            {
                case DtlsContentType.ApplicationData when State == DtlsConnectionState.Connected:
                    if (_deliver(plaintext, n)) plaintext = null;   // the sink keeps the pooled buffer
                    return;
                case DtlsContentType.Handshake:
                    OnHandshakeRecord(body, 1, now);
                    return;
                case DtlsContentType.Alert:
                    OnAlert(body);
                    return;
                default:
                    RecordsDiscarded++;
                    return;
            }
        }
        finally
        {
            if (plaintext is not null) ArrayPool<byte>.Shared.Return(plaintext);
        }
    }

    private void OnHandshakeRecord(ReadOnlySpan<byte> data, ushort epoch, long now)
    {
        var duplicate = false;
        while (!data.IsEmpty)
        {
            if (!DtlsHandshakeHeader.TryParse(data, out var header) || data.Length - DtlsHandshakeHeader.Size < header.FragmentLength)
            {
                RecordsDiscarded++;
                break;
            }
            var fragment = data.Slice(DtlsHandshakeHeader.Size, header.FragmentLength);
            data = data[(DtlsHandshakeHeader.Size + header.FragmentLength)..];
            // After the peer's ChangeCipherSpec its new messages come encrypted; plaintext ones
            // can only be retransmissions of what came before.
            if (epoch == 0 && _readEpoch == 1 && header.MessageSeq >= _reassembler.NextSeq) continue;
            if (_reassembler.Add(header, fragment, epoch) == DtlsHandshakeReassembler.Outcome.Duplicate) duplicate = true;
        }
        if (duplicate) OnPeerRetransmitted(now);
        var wasHandshaking = State == DtlsConnectionState.Handshaking;
        while (State == DtlsConnectionState.Handshaking && _reassembler.TryTake(out var type, out var seq, out var body, out var messageEpoch))
        {
            try
            {
                OnMessage(type, seq, body, messageEpoch, now);
            }
            catch (DtlsHandshakeFailure failure)
            {
                Fail(failure.Alert, failure.Exception);
            }
            catch (Exception ex) when (ex is CryptographicException or ArgumentException or InvalidOperationException)
            {
                // Nothing a peer sends may escape to the receiving thread (ICE's socket thread).
                Fail(TlsAlertDescription.InternalError, new DtlsException(DtlsError.ProtocolError, "DTLS failed: " + ex.Message, ex));
            }
        }
        if (wasHandshaking && State == DtlsConnectionState.Connected && _earlyApplicationData.Count > 0)
        {
            var early = _earlyApplicationData.ToArray();
            _earlyApplicationData.Clear();
            foreach (var record in early) OnDatagram(record, now);
        }
    }

    // The peer re-sent (part of) its last flight: it did not get ours (RFC 6347 §4.2.4).
    private void OnPeerRetransmitted(long now)
    {
        if (_flight is null || now - _lastResend < DuplicateResponseGapMilliseconds) return;
        _lastResend = now;
        Retransmissions++;
        SendFlight();
    }

    private void OnChangeCipherSpec(ReadOnlySpan<byte> fragment, long now)
    {
        // Only where the peer's Finished is next and its keys are known; an early one (a message
        // before it was lost) is dropped, and the peer's retransmission brings it again.
        if (fragment.Length != 1 || fragment[0] != 1 || _readEpoch != 0 || _pendingReadProtection is null || !ExpectingPeerFinished)
        {
            RecordsDiscarded++;
            return;
        }
        _readProtection = _pendingReadProtection;
        _pendingReadProtection = null;
        _readEpoch = 1;
        _replay = new DtlsReplayWindow();
        var held = _futureRecords.ToArray();
        _futureRecords.Clear();
        foreach (var record in held) OnDatagram(record, now);
    }

    private void OnAlert(ReadOnlySpan<byte> body)
    {
        if (!DtlsAlertMessage.TryParse(body, out var alert))
        {
            RecordsDiscarded++;
            return;
        }
        var description = (TlsAlertDescription)alert.Description;
        if (description == TlsAlertDescription.CloseNotify)
        {
            CloseNotifyReceived = true;
            if (State == DtlsConnectionState.Connected)
            {
                SendAlert(1, TlsAlertDescription.CloseNotify);   // RFC 5246 §7.2.1: answer it
                State = DtlsConnectionState.Closed;
            }
            else
            {
                Error = new DtlsException(DtlsError.AlertReceived, "The DTLS peer closed during the handshake (close_notify).") { Alert = description };
                State = DtlsConnectionState.Failed;
            }
            _retransmitDue = long.MaxValue;
            return;
        }
        if (alert.Level != DtlsAlertMessage.Fatal) return;   // warnings change nothing here
        Error = new DtlsException(DtlsError.AlertReceived, $"The DTLS peer sent a fatal alert: {AlertText(description)}.") { Alert = description };
        State = DtlsConnectionState.Failed;
        _retransmitDue = long.MaxValue;
    }

    /// <summary>Sends a fatal alert and fails with <paramref name="error"/>.</summary>
    private void Fail(TlsAlertDescription alert, DtlsException error)
    {
        if (State is DtlsConnectionState.Closed or DtlsConnectionState.Failed) return;
        SendAlert(DtlsAlertMessage.Fatal, alert);
        Error = error;
        State = DtlsConnectionState.Failed;
        _retransmitDue = long.MaxValue;
    }

    private void SendAlert(byte level, TlsAlertDescription description)
    {
        Span<byte> body = stackalloc byte[DtlsAlertMessage.Size];
        new DtlsAlertMessage(level, (byte)description).Write(body);
        var n = _writer.Write(DtlsContentType.Alert, _writer.Epoch, body, _datagram);
        if (n > 0) Emit(_datagram.AsSpan(0, n));
    }

    private void Emit(ReadOnlySpan<byte> datagram)
    {
        DatagramsSent++;
        _send(datagram);
    }

    /// <summary>Appends a message as the transcript holds it: with its DTLS header, one fragment (RFC 6347 §4.2.6).</summary>
    private void AddToTranscript(DtlsHandshakeType type, ushort seq, ReadOnlySpan<byte> body) =>
        _transcript.Write(DtlsHandshakeMessage.Frame(type, seq, body));

    private byte[] TranscriptHash() => _suite!.PrfHash == HashAlgorithmName.SHA384
        ? SHA384.HashData(_transcript.WrittenSpan)
        : SHA256.HashData(_transcript.WrittenSpan);

    /// <summary>Starts a new flight of our messages (message_seq assigned here), sends it, and
    /// arms the retransmission timer unless it is the handshake's last flight.</summary>
    private void SendNewFlight(List<FlightEntry> flight, long now, bool final)
    {
        _flight = flight;
        _retransmitInterval = _options.InitialRetransmitMilliseconds;
        _retransmitDue = final ? long.MaxValue : now + _retransmitInterval;
        SendFlight();
    }

    private FlightEntry Message(DtlsHandshakeType type, byte[] body, ushort epoch = 0)
    {
        var entry = new FlightEntry(false, type, _nextSendSeq++, body, epoch);
        AddToTranscript(type, entry.Seq, body);
        return entry;
    }

    private static FlightEntry ChangeCipherSpec() => new(true, default, 0, [1], 0);

    // Writes the flight as records, as many per datagram as fit (RFC 6347 §4.1.1: a flight should
    // go in as few datagrams as possible; pion aborts on a flight that comes half).
    private void SendFlight()
    {
        if (_flight is null) return;
        var used = 0;
        foreach (var entry in _flight)
        {
            if (entry.ChangeCipherSpec)
            {
                used = Place(DtlsContentType.ChangeCipherSpec, 0, entry.Body, used);
                continue;
            }
            var maxFragment = Math.Max(1, _options.MaxDatagramSize - DtlsRecordWriter.Overhead(entry.Epoch) - DtlsHandshakeHeader.Size);
            foreach (var (offset, length) in DtlsHandshakeMessage.Fragments(entry.Body.Length, maxFragment))
            {
                var record = new byte[DtlsHandshakeHeader.Size + length];
                new DtlsHandshakeHeader(entry.Type, entry.Body.Length, entry.Seq, offset, length).Write(record);
                entry.Body.AsSpan(offset, length).CopyTo(record.AsSpan(DtlsHandshakeHeader.Size));
                used = Place(DtlsContentType.Handshake, entry.Epoch, record, used);
            }
        }
        if (used > 0) Emit(_datagram.AsSpan(0, used));
    }

    // Adds one record to the datagram being built, sending the datagram first when it would not fit.
    private int Place(DtlsContentType type, ushort epoch, ReadOnlySpan<byte> plaintext, int used)
    {
        var size = DtlsRecordWriter.Overhead(epoch) + plaintext.Length;
        if (used > 0 && used + size > _datagram.Length)
        {
            Emit(_datagram.AsSpan(0, used));
            used = 0;
        }
        if (size > _datagram.Length)
        {
            var big = new byte[size];
            var m = _writer.Write(type, epoch, plaintext, big);
            Emit(big.AsSpan(0, m));
            return used;
        }
        return used + _writer.Write(type, epoch, plaintext, _datagram.AsSpan(used));
    }

    private static string AlertText(TlsAlertDescription description) => description switch
    {
        TlsAlertDescription.BadCertificate => "bad_certificate",
        TlsAlertDescription.HandshakeFailure => "handshake_failure",
        TlsAlertDescription.DecryptError => "decrypt_error",
        TlsAlertDescription.IllegalParameter => "illegal_parameter",
        TlsAlertDescription.DecodeError => "decode_error",
        TlsAlertDescription.UnexpectedMessage => "unexpected_message",
        TlsAlertDescription.ProtocolVersion => "protocol_version",
        TlsAlertDescription.InsufficientSecurity => "insufficient_security",
        TlsAlertDescription.InternalError => "internal_error",
        _ => description.ToString(),
    };

    public void Dispose()
    {
        _writer.Dispose();
        _readProtection?.Dispose();
        _pendingReadProtection?.Dispose();
        _pendingWriteProtection?.Dispose();
        _ecdhe?.Dispose();
        _peerKey?.Dispose();
        if (_masterSecret is not null) CryptographicOperations.ZeroMemory(_masterSecret);
    }

    /// <summary>One message (or the ChangeCipherSpec) of a flight, kept to be written again.</summary>
    private sealed record FlightEntry(bool ChangeCipherSpec, DtlsHandshakeType Type, ushort Seq, byte[] Body, ushort Epoch);

    /// <summary>Thrown inside message handling: the alert to send and the failure to report.</summary>
    private sealed class DtlsHandshakeFailure(TlsAlertDescription alert, DtlsException exception) : Exception(exception.Message)
    {
        public TlsAlertDescription Alert { get; } = alert;
        public DtlsException Exception { get; } = exception;
    }

    private static DtlsHandshakeFailure Failure(TlsAlertDescription alert, string message) =>
        new(alert, new DtlsException(DtlsError.AlertSent, $"This side sent a fatal alert: {AlertText(alert)}. {message}") { Alert = alert });
}
