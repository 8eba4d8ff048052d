using System.Security.Cryptography;

namespace WebRtcPS.Engine.Dtls;

// What both roles share: the peer's certificate, the key schedule, Finished, and the dispatch.
internal sealed partial class DtlsConnection
{
    private void OnMessage(DtlsHandshakeType type, ushort seq, byte[] body, ushort epoch, long now)
    {
        // Only Finished travels encrypted; anything else in epoch 1 is out of place (RFC 5246 §7.4).
        if (epoch == 1 && type != DtlsHandshakeType.Finished)
            throw Failure(TlsAlertDescription.UnexpectedMessage, $"An encrypted {type} came during the handshake.");
        if (Role == DtlsRole.Client) OnClientMessage(type, seq, body, epoch, now);
        else OnServerMessage(type, seq, body, epoch, now);
    }

    /// <summary>Parses a Certificate message, checks its end-entity certificate against the SDP
    /// fingerprints and keeps its public key. Returns the certificate.</summary>
    private byte[] CheckPeerCertificate(byte[] body)
    {
        if (!CertificateMessage.TryParse(body, out var message) || message is null)
            throw Failure(TlsAlertDescription.DecodeError, "The peer's Certificate message did not parse.");
        if (message.Certificates.Count == 0)
            throw Failure(TlsAlertDescription.HandshakeFailure, "The peer sent no certificate.");
        var certificate = message.Certificates[0];
        var check = _options.VerifyPeer(certificate);
        if (check.Failure is { } failure) throw new DtlsHandshakeFailure(TlsAlertDescription.BadCertificate, failure);
        if (check.Pending)
        {
            if (Role == DtlsRole.Client) throw Failure(TlsAlertDescription.InternalError, "No fingerprint to check the server's certificate against.");
            _pendingVerdict = check;
        }
        if (!PeerPublicKey.TryCreate(certificate, out var key) || key is null)
            throw Failure(TlsAlertDescription.UnsupportedCertificate, "The peer's certificate has no ECDSA (P-256, P-384) or RSA public key we can use.");
        _peerKey?.Dispose();
        _peerKey = key;
        return certificate;
    }

    /// <summary>Master secret (RFC 7627 §4 when both sides agreed to it, else RFC 5246 §8.1) and
    /// the key block (RFC 5246 §6.3); the write key waits for our ChangeCipherSpec, the read key
    /// for the peer's.</summary>
    private void DeriveKeys(byte[] premaster)
    {
        var hash = _suite!.PrfHash;
        try
        {
            _masterSecret = _extendedMasterSecret
                ? TlsKeySchedule.ExtendedMasterSecret(hash, premaster, TranscriptHash())
                : TlsKeySchedule.MasterSecret(hash, premaster, _clientRandom, _serverRandom);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(premaster);
        }
        var block = TlsKeySchedule.KeyBlock(hash, _masterSecret, _clientRandom, _serverRandom, _suite.KeyLength);
        var client = new GcmRecordProtection(block.ClientWriteKey, block.ClientWriteIv);
        var server = new GcmRecordProtection(block.ServerWriteKey, block.ServerWriteIv);
        CryptographicOperations.ZeroMemory(block.ClientWriteKey);
        CryptographicOperations.ZeroMemory(block.ServerWriteKey);
        _pendingWriteProtection = Role == DtlsRole.Client ? client : server;
        _pendingReadProtection = Role == DtlsRole.Client ? server : client;
    }

    /// <summary>Checks the peer's verify_data against the transcript so far (RFC 5246 §7.4.9).</summary>
    private void VerifyPeerFinished(byte[] body, bool client)
    {
        if (!FinishedMessage.TryParse(body, out var finished) || finished is null)
            throw Failure(TlsAlertDescription.DecodeError, "The peer's Finished did not parse.");
        var expected = TlsKeySchedule.VerifyData(_suite!.PrfHash, _masterSecret, client, TranscriptHash());
        if (!CryptographicOperations.FixedTimeEquals(expected, finished.VerifyData))
            throw Failure(TlsAlertDescription.DecryptError, "The peer's Finished did not match the handshake (a different key or a tampered message).");
    }

    private void Connect()
    {
        _step = Step.Done;
        _retransmitDue = long.MaxValue;
        State = DtlsConnectionState.Connected;
    }
}
