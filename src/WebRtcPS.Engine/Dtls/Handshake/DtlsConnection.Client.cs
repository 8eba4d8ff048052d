using System.Security.Cryptography;

namespace WebRtcPS.Engine.Dtls;

// The client's side of the full handshake (RFC 5246 §7.3, RFC 6347 §4.2.1):
//   flight 1  ClientHello                      ->
//   flight 2                                   <- HelloVerifyRequest (optional)
//   flight 3  ClientHello (with the cookie)    ->
//   flight 4                                   <- ServerHello, Certificate, ServerKeyExchange, CertificateRequest, ServerHelloDone
//   flight 5  Certificate, ClientKeyExchange, CertificateVerify, [ChangeCipherSpec], Finished ->
//   flight 6                                   <- [ChangeCipherSpec], Finished
internal sealed partial class DtlsConnection
{
    private enum Step
    {
        // Client
        ServerHello, ServerCertificate, ServerKeyExchange, CertificateRequestOrDone, ServerHelloDone, ServerFinished,
        // Server
        ClientHello, ClientCertificate, ClientKeyExchange, ClientCertificateVerify, ClientFinished, AwaitingVerdict,
        Done,
    }

    private Step _step;
    private byte[] _cookie = [];
    private bool _certificateRequested;
    private ushort _serverGroup;
    private byte[] _serverPoint = [];
    private DtlsPeerCheck? _pendingVerdict;

    private bool ExpectingPeerFinished => _step is Step.ServerFinished or Step.ClientFinished;

    private void StartClient(long now)
    {
        _step = Step.ServerHello;
        _clientRandom = RandomNumberGenerator.GetBytes(32);
        SendClientHello(now);
    }

    private void SendClientHello(long now)
    {
        ushort[] suites = [.. DtlsCipherSuite.ClientOffer.Select(s => s.Id)];
        List<TlsExtension> extensions =
        [
            new(TlsExtensionType.SupportedGroups, SupportedGroupsExtension.Encode(DtlsAlgorithms.Groups)),
            new(TlsExtensionType.EcPointFormats, EcPointFormatsExtension.Encode([0])),
            new(TlsExtensionType.SignatureAlgorithms, SignatureAlgorithmsExtension.Encode(DtlsAlgorithms.VerifySchemes)),
            new(TlsExtensionType.UseSrtp, UseSrtpExtension.Encode(DtlsAlgorithms.SrtpProfiles, [])),
            new(TlsExtensionType.ExtendedMasterSecret, []),
            new(TlsExtensionType.RenegotiationInfo, RenegotiationInfoExtension.Encode([])),
        ];
        var hello = new ClientHelloMessage(DtlsRecordHeader.Dtls12, _clientRandom, [], _cookie, suites, [0], extensions);
        // RFC 6347 §4.2.6: the transcript starts with the ClientHello the server answers with a
        // ServerHello; one answered by a HelloVerifyRequest is not part of it.
        _transcript.Clear();
        SendNewFlight([Message(DtlsHandshakeType.ClientHello, hello.Encode())], now, final: false);
    }

    private void OnClientMessage(DtlsHandshakeType type, ushort seq, byte[] body, ushort epoch, long now)
    {
        switch (_step)
        {
            case Step.ServerHello when type == DtlsHandshakeType.HelloVerifyRequest:
                OnHelloVerifyRequest(body, now);
                return;
            case Step.ServerHello when type == DtlsHandshakeType.ServerHello:
                _retransmitDue = long.MaxValue;   // the next flight has begun (RFC 6347 §4.2.4)
                OnServerHello(body);
                break;
            case Step.ServerCertificate when type == DtlsHandshakeType.Certificate:
                OnServerCertificate(body);
                break;
            case Step.ServerKeyExchange when type == DtlsHandshakeType.ServerKeyExchange:
                OnServerKeyExchange(body);
                break;
            case Step.CertificateRequestOrDone when type == DtlsHandshakeType.CertificateRequest:
                if (!CertificateRequestMessage.TryParse(body, out var request) || request is null)
                    throw Failure(TlsAlertDescription.DecodeError, "The CertificateRequest did not parse.");
                _certificateRequested = true;
                _peerSchemes = request.SignatureSchemes;
                _step = Step.ServerHelloDone;
                break;
            case Step.CertificateRequestOrDone or Step.ServerHelloDone when type == DtlsHandshakeType.ServerHelloDone:
                if (body.Length != 0) throw Failure(TlsAlertDescription.DecodeError, "The ServerHelloDone was not empty.");
                AddToTranscript(type, seq, body);
                SendClientFinishedFlight(now);
                return;
            case Step.ServerFinished when type == DtlsHandshakeType.Finished:
                if (epoch != 1) throw Failure(TlsAlertDescription.UnexpectedMessage, "The server's Finished came unencrypted.");
                VerifyPeerFinished(body, client: false);
                AddToTranscript(type, seq, body);
                _flight = null;   // the server's flight was the last: nothing of ours to re-send
                Connect();
                return;
            default:
                throw Failure(TlsAlertDescription.UnexpectedMessage, $"A {type} came where the client expected {_step}.");
        }
        AddToTranscript(type, seq, body);
    }

    private void OnHelloVerifyRequest(byte[] body, long now)
    {
        if (!HelloVerifyRequestMessage.TryParse(body, out var verify) || verify is null)
            throw Failure(TlsAlertDescription.DecodeError, "The HelloVerifyRequest did not parse.");
        // RFC 6347 §4.2.1: send the ClientHello again with the cookie (same random), message_seq 1.
        _cookie = verify.Cookie;
        SendClientHello(now);
    }

    private void OnServerHello(byte[] body)
    {
        if (!ServerHelloMessage.TryParse(body, out var hello) || hello is null)
            throw Failure(TlsAlertDescription.DecodeError, "The ServerHello did not parse.");
        if (hello.Version != DtlsRecordHeader.Dtls12)
            throw Failure(TlsAlertDescription.ProtocolVersion, $"The server chose version 0x{hello.Version:X4}; only DTLS 1.2 is supported.");
        _suite = DtlsCipherSuite.ClientOffer.FirstOrDefault(s => s.Id == hello.CipherSuite)
            ?? throw Failure(TlsAlertDescription.IllegalParameter, $"The server chose cipher suite 0x{hello.CipherSuite:X4}, which was not offered.");
        if (hello.CompressionMethod != 0)
            throw Failure(TlsAlertDescription.IllegalParameter, "The server chose compression, which was not offered.");
        _serverRandom = hello.Random;
        foreach (var extension in hello.Extensions)
        {
            switch (extension.Type)
            {
                case TlsExtensionType.ExtendedMasterSecret:
                    _extendedMasterSecret = true;
                    break;
                case TlsExtensionType.RenegotiationInfo:
                    // RFC 5746 §3.4: an initial handshake's must be empty.
                    if (!RenegotiationInfoExtension.TryParse(extension.Data, out var renegotiated) || renegotiated.Length != 0)
                        throw Failure(TlsAlertDescription.HandshakeFailure, "The server's renegotiation_info was not empty.");
                    break;
                case TlsExtensionType.UseSrtp:
                    if (!UseSrtpExtension.TryParse(extension.Data, out var profiles, out _) || profiles.Length != 1
                        || Array.IndexOf(DtlsAlgorithms.SrtpProfiles, profiles[0]) < 0)
                        throw Failure(TlsAlertDescription.IllegalParameter, "The server's use_srtp did not name one profile we offered.");
                    SrtpProfile = profiles[0];
                    break;
            }
        }
        _step = Step.ServerCertificate;
    }

    private void OnServerCertificate(byte[] body)
    {
        var certificate = CheckPeerCertificate(body);
        if (_suite!.Ecdsa != _peerKey!.IsEcdsa)
            throw Failure(TlsAlertDescription.UnsupportedCertificate, "The server's certificate key does not fit the cipher suite it chose.");
        RemoteCertificate = certificate;
        _step = Step.ServerKeyExchange;
    }

    private void OnServerKeyExchange(byte[] body)
    {
        if (!ServerKeyExchangeMessage.TryParse(body, out var exchange) || exchange is null)
            throw Failure(TlsAlertDescription.DecodeError, "The ServerKeyExchange did not parse.");
        if (!EcdheKey.IsSupported(exchange.NamedGroup) || Array.IndexOf(DtlsAlgorithms.Groups, exchange.NamedGroup) < 0)
            throw Failure(TlsAlertDescription.IllegalParameter, $"The server chose ECDHE group {exchange.NamedGroup}, which was not offered.");
        if (Array.IndexOf(DtlsAlgorithms.VerifySchemes, exchange.SignatureScheme) < 0)
            throw Failure(TlsAlertDescription.IllegalParameter, $"The server signed with scheme 0x{exchange.SignatureScheme:X4}, which was not offered.");
        // RFC 8422 §5.4: signed over client_random || server_random || ServerECDHParams.
        var parameters = ServerKeyExchangeMessage.SignedParams(exchange.NamedGroup, exchange.PublicKey);
        var signed = new byte[64 + parameters.Length];
        _clientRandom.CopyTo(signed, 0);
        _serverRandom.CopyTo(signed, 32);
        parameters.CopyTo(signed, 64);
        if (!_peerKey!.Verify(exchange.SignatureScheme, signed, exchange.Signature))
            throw Failure(TlsAlertDescription.DecryptError, "The ServerKeyExchange signature did not verify with the server's certificate.");
        _serverGroup = exchange.NamedGroup;
        _serverPoint = exchange.PublicKey;
        _step = Step.CertificateRequestOrDone;
    }

    // Flight 5: our certificate (when asked), the key exchange, the proof of our key, and Finished.
    private void SendClientFinishedFlight(long now)
    {
        var flight = new List<FlightEntry>(5);
        if (_certificateRequested)
            flight.Add(Message(DtlsHandshakeType.Certificate, new CertificateMessage([_options.Certificate.RawData.ToArray()]).Encode()));

        if (_ecdhe is null || _ecdhe.NamedGroup != _serverGroup)
        {
            _ecdhe?.Dispose();
            _ecdhe = EcdheKey.Generate(_serverGroup);
        }
        if (!_ecdhe.TryDeriveSecret(_serverPoint, out var premaster))
            throw Failure(TlsAlertDescription.IllegalParameter, "The server's ECDHE public key is not a point on its curve.");
        flight.Add(Message(DtlsHandshakeType.ClientKeyExchange, new ClientKeyExchangeMessage(_ecdhe.PublicPoint).Encode()));
        DeriveKeys(premaster);

        if (_certificateRequested)
        {
            // RFC 5246 §7.4.8: signed over every handshake message so far.
            var scheme = DtlsAlgorithms.SigningScheme(_peerSchemes);
            if (scheme == 0) throw Failure(TlsAlertDescription.HandshakeFailure, "The server accepts no ECDSA signature scheme for our certificate.");
            var signature = HandshakeSigner.Sign(_options.Certificate.Key, scheme, _transcript.WrittenSpan);
            flight.Add(Message(DtlsHandshakeType.CertificateVerify, new CertificateVerifyMessage(scheme, signature).Encode()));
        }

        flight.Add(ChangeCipherSpec());
        _writer.StartEpoch1(_pendingWriteProtection!);
        _pendingWriteProtection = null;
        var verifyData = TlsKeySchedule.VerifyData(_suite!.PrfHash, _masterSecret, client: true, TranscriptHash());
        flight.Add(Message(DtlsHandshakeType.Finished, new FinishedMessage(verifyData).Encode(), epoch: 1));
        _step = Step.ServerFinished;
        SendNewFlight(flight, now, final: false);
    }
}
