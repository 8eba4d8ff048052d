using System.Security.Cryptography;

namespace WebRtcPS.Engine.Dtls;

// The server's side of the full handshake (RFC 5246 §7.3, RFC 6347 §4.2.1), without a
// HelloVerifyRequest: ClientHello -> flight 4 -> the client's flight 5 -> [ChangeCipherSpec], Finished.
// The server sends the last flight, so it keeps it to answer a client that re-sends flight 5.
internal sealed partial class DtlsConnection
{
    // ClientHello fields the ServerHello answers.
    private bool _clientSentRenegotiationInfo;
    private bool _clientSentPointFormats;

    private void OnServerMessage(DtlsHandshakeType type, ushort seq, byte[] body, ushort epoch, long now)
    {
        switch (_step)
        {
            case Step.ClientHello when type == DtlsHandshakeType.ClientHello:
                OnClientHello(seq, body, now);
                return;
            case Step.ClientCertificate when type == DtlsHandshakeType.Certificate:
                _retransmitDue = long.MaxValue;   // flight 5 has begun (RFC 6347 §4.2.4)
                RemoteCertificate = CheckPeerCertificate(body);
                _step = Step.ClientKeyExchange;
                break;
            case Step.ClientCertificate when type == DtlsHandshakeType.ClientKeyExchange:
                // RFC 5246 §7.4.6: a client may answer a CertificateRequest with no certificate;
                // WebRTC needs one (RFC 8827 §6.5), so this is the end.
                throw Failure(TlsAlertDescription.HandshakeFailure, "The peer sent no certificate.");
            case Step.ClientKeyExchange when type == DtlsHandshakeType.ClientKeyExchange:
                if (!ClientKeyExchangeMessage.TryParse(body, out var exchange) || exchange is null)
                    throw Failure(TlsAlertDescription.DecodeError, "The ClientKeyExchange did not parse.");
                if (!_ecdhe!.TryDeriveSecret(exchange.PublicKey, out var premaster))
                    throw Failure(TlsAlertDescription.IllegalParameter, "The client's ECDHE public key is not a point on the curve.");
                AddToTranscript(type, seq, body);
                DeriveKeys(premaster);
                _step = Step.ClientCertificateVerify;
                return;
            case Step.ClientCertificateVerify when type == DtlsHandshakeType.CertificateVerify:
                if (!CertificateVerifyMessage.TryParse(body, out var verify) || verify is null)
                    throw Failure(TlsAlertDescription.DecodeError, "The CertificateVerify did not parse.");
                if (Array.IndexOf(DtlsAlgorithms.VerifySchemes, verify.SignatureScheme) < 0)
                    throw Failure(TlsAlertDescription.IllegalParameter, $"The client signed with scheme 0x{verify.SignatureScheme:X4}, which was not offered.");
                // RFC 5246 §7.4.8: over every handshake message before this one.
                if (!_peerKey!.Verify(verify.SignatureScheme, _transcript.WrittenSpan, verify.Signature))
                    throw Failure(TlsAlertDescription.DecryptError, "The CertificateVerify signature did not verify with the client's certificate.");
                _step = Step.ClientFinished;
                break;
            case Step.ClientFinished when type == DtlsHandshakeType.Finished:
                if (epoch != 1) throw Failure(TlsAlertDescription.UnexpectedMessage, "The client's Finished came unencrypted.");
                VerifyPeerFinished(body, client: true);
                AddToTranscript(type, seq, body);
                if (_pendingVerdict is { Pending: true })
                {
                    _step = Step.AwaitingVerdict;   // SetPeerVerdict finishes
                    return;
                }
                SendServerFinishedFlight(now);
                return;
            default:
                throw Failure(TlsAlertDescription.UnexpectedMessage, $"A {type} came where the server expected {_step}.");
        }
        AddToTranscript(type, seq, body);
    }

    /// <summary>The verdict on the peer's certificate that <see cref="DtlsPeerCheck.Later"/> put
    /// off (the server before the answer): a server waiting with the client's Finished verified
    /// sends its own, or fails with <paramref name="failure"/>.</summary>
    public void SetPeerVerdict(DtlsException? failure, long now)
    {
        if (State != DtlsConnectionState.Handshaking || _pendingVerdict is not { Pending: true }) return;
        _pendingVerdict = failure is null ? DtlsPeerCheck.Accepted : DtlsPeerCheck.Rejected(failure);
        if (failure is not null)
        {
            Fail(TlsAlertDescription.BadCertificate, failure);
            return;
        }
        if (_step == Step.AwaitingVerdict) SendServerFinishedFlight(now);
    }

    /// <summary>True while the server waits for <see cref="SetPeerVerdict"/>.</summary>
    public bool AwaitingPeerVerdict => _pendingVerdict is { Pending: true };

    private void OnClientHello(ushort seq, byte[] body, long now)
    {
        if (!ClientHelloMessage.TryParse(body, out var hello) || hello is null)
            throw Failure(TlsAlertDescription.DecodeError, "The ClientHello did not parse.");
        // DTLS versions count down: 0xFEFD (1.2) < 0xFEFF (1.0).
        if (hello.Version > DtlsRecordHeader.Dtls12)
            throw Failure(TlsAlertDescription.ProtocolVersion, $"The client offers DTLS 0x{hello.Version:X4} at most; DTLS 1.2 is required.");
        _suite = DtlsCipherSuite.ServerAccept.FirstOrDefault(s => Array.IndexOf(hello.CipherSuites, s.Id) >= 0)
            ?? throw Failure(TlsAlertDescription.HandshakeFailure, "The client offers no ECDHE_ECDSA AES-GCM cipher suite.");
        if (Array.IndexOf(hello.CompressionMethods, (byte)0) < 0)
            throw Failure(TlsAlertDescription.IllegalParameter, "The client does not offer the null compression method.");
        _clientRandom = hello.Random;
        _clientSentRenegotiationInfo = Array.IndexOf(hello.CipherSuites, DtlsCipherSuite.EmptyRenegotiationInfoScsv) >= 0;
        ushort group = DtlsAlgorithms.Secp256r1;   // RFC 8422 §4: no supported_groups, any curve will do
        foreach (var extension in hello.Extensions)
        {
            switch (extension.Type)
            {
                case TlsExtensionType.SupportedGroups:
                    if (!SupportedGroupsExtension.TryParse(extension.Data, out var groups))
                        throw Failure(TlsAlertDescription.DecodeError, "The client's supported_groups did not parse.");
                    group = DtlsAlgorithms.Groups.FirstOrDefault(g => Array.IndexOf(groups, g) >= 0);
                    if (group == 0) throw Failure(TlsAlertDescription.HandshakeFailure, "The client offers neither P-256 nor P-384 for ECDHE.");
                    break;
                case TlsExtensionType.EcPointFormats:
                    _clientSentPointFormats = true;
                    break;
                case TlsExtensionType.SignatureAlgorithms:
                    if (!SignatureAlgorithmsExtension.TryParse(extension.Data, out var schemes))
                        throw Failure(TlsAlertDescription.DecodeError, "The client's signature_algorithms did not parse.");
                    _peerSchemes = schemes;
                    break;
                case TlsExtensionType.ExtendedMasterSecret:
                    _extendedMasterSecret = true;
                    break;
                case TlsExtensionType.RenegotiationInfo:
                    _clientSentRenegotiationInfo = true;
                    break;
                case TlsExtensionType.UseSrtp:
                    if (UseSrtpExtension.TryParse(extension.Data, out var profiles, out _))
                        SrtpProfile = DtlsAlgorithms.SrtpProfiles.FirstOrDefault(p => Array.IndexOf(profiles, p) >= 0);
                    break;
            }
        }
        var scheme = DtlsAlgorithms.SigningScheme(_peerSchemes);
        if (scheme == 0) throw Failure(TlsAlertDescription.HandshakeFailure, "The client accepts no ECDSA signature scheme.");

        // The ClientHello we answer starts the transcript (RFC 6347 §4.2.6), at its own message_seq.
        _transcript.Clear();
        AddToTranscript(DtlsHandshakeType.ClientHello, seq, body);
        _serverRandom = RandomNumberGenerator.GetBytes(32);
        if (_ecdhe is null || _ecdhe.NamedGroup != group)
        {
            _ecdhe?.Dispose();
            _ecdhe = EcdheKey.Generate(group);
        }

        var extensions = new List<TlsExtension>(4);
        if (_clientSentRenegotiationInfo) extensions.Add(new(TlsExtensionType.RenegotiationInfo, RenegotiationInfoExtension.Encode([])));
        if (_extendedMasterSecret) extensions.Add(new(TlsExtensionType.ExtendedMasterSecret, []));
        if (SrtpProfile != 0) extensions.Add(new(TlsExtensionType.UseSrtp, UseSrtpExtension.Encode([SrtpProfile], [])));
        if (_clientSentPointFormats) extensions.Add(new(TlsExtensionType.EcPointFormats, EcPointFormatsExtension.Encode([0])));
        var serverHello = new ServerHelloMessage(DtlsRecordHeader.Dtls12, _serverRandom, [], _suite.Id, 0, extensions);

        var parameters = ServerKeyExchangeMessage.SignedParams(group, _ecdhe.PublicPoint);
        var signed = new byte[64 + parameters.Length];
        _clientRandom.CopyTo(signed, 0);
        _serverRandom.CopyTo(signed, 32);
        parameters.CopyTo(signed, 64);
        var signature = HandshakeSigner.Sign(_options.Certificate.Key, scheme, signed);
        var keyExchange = new ServerKeyExchangeMessage(group, _ecdhe.PublicPoint, scheme, signature);

        // RFC 5246 §7.4.4: ecdsa_sign(64), rsa_sign(1); no authorities (self-signed certificates).
        var request = new CertificateRequestMessage([64, 1], DtlsAlgorithms.VerifySchemes, []);
        List<FlightEntry> flight =
        [
            Message(DtlsHandshakeType.ServerHello, serverHello.Encode()),
            Message(DtlsHandshakeType.Certificate, new CertificateMessage([_options.Certificate.RawData.ToArray()]).Encode()),
            Message(DtlsHandshakeType.ServerKeyExchange, keyExchange.Encode()),
            Message(DtlsHandshakeType.CertificateRequest, request.Encode()),
            Message(DtlsHandshakeType.ServerHelloDone, []),
        ];
        _step = Step.ClientCertificate;
        SendNewFlight(flight, now, final: false);
    }

    private void SendServerFinishedFlight(long now)
    {
        _writer.StartEpoch1(_pendingWriteProtection!);
        _pendingWriteProtection = null;
        var verifyData = TlsKeySchedule.VerifyData(_suite!.PrfHash, _masterSecret, client: false, TranscriptHash());
        List<FlightEntry> flight = [ChangeCipherSpec(), Message(DtlsHandshakeType.Finished, new FinishedMessage(verifyData).Encode(), epoch: 1)];
        SendNewFlight(flight, now, final: true);
        Connect();
    }
}
