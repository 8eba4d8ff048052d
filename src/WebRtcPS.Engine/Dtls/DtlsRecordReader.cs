using System.Buffers.Binary;
using System.Security.Cryptography;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl;

namespace WebRtcPS.Engine.Dtls;

/// <summary>What <see cref="DtlsRecordReader.Open"/> did with a record.</summary>
internal enum DtlsRecordOutcome
{
    /// <summary>Application data, decrypted and verified.</summary>
    Opened,
    /// <summary>A replay (RFC 6347 §4.1.2.6): discarded.</summary>
    Replayed,
    /// <summary>Not epoch-1 application data of this connection, or it did not verify: BouncyCastle's to handle.</summary>
    NotOurs,
}

/// <summary>
/// The inbound half of the epoch-1 record layer for AES-GCM suites, used once the handshake is
/// done so that application data is decrypted on the thread that received it, without a hop to
/// BouncyCastle's blocking DTLS thread. Handshake, alert and change_cipher_spec records, and any
/// record this reader cannot verify, stay BouncyCastle's (see <see cref="DtlsTransport"/>).
/// </summary>
/// <remarks>
/// Keys: RFC 5246 §6.3 key block (AEAD suites have no MAC keys): client_write_key,
/// server_write_key, client_write_IV, server_write_IV, each IV 4 bytes (RFC 5288 §3). Per record
/// (RFC 5288 §3, RFC 6347 §4.1.2.1): nonce = the peer's 4-byte IV followed by the record's 8-byte
/// explicit nonce; additional data = epoch(2) sequence_number(6) type(1) version(2) and the
/// plaintext's length(2); body = explicit nonce, ciphertext, 16-byte tag. Only the reading thread
/// calls <see cref="Open"/>.
/// </remarks>
internal sealed class DtlsRecordReader : IDisposable
{
    internal const int HeaderLength = FlightBatcher.RecordHeaderLength;
    private const byte ApplicationData = 23;
    private const ushort Epoch = 1;   // no renegotiation in DTLS here: epoch 1 for the connection's life
    private const int FixedIvLength = 4;
    private const int ExplicitNonceLength = 8;
    private const int TagLength = 16;

    private readonly AesGcm _aes;
    private readonly byte[] _nonce = new byte[FixedIvLength + ExplicitNonceLength];
    private readonly byte[] _additionalData = new byte[13];
    private readonly ushort _version;
    private readonly DtlsReplayWindow _window = new();

    private DtlsRecordReader(ReadOnlySpan<byte> key, ReadOnlySpan<byte> fixedIv, ushort version)
    {
        _aes = new AesGcm(key, TagLength);
        fixedIv.CopyTo(_nonce);
        _version = version;
    }

    /// <summary>The peer's write key and IV from the key block of <paramref name="cryptoParams"/>'s handshake.</summary>
    public static (byte[] Key, byte[] FixedIv) PeerWriteKeys(TlsCryptoParameters cryptoParams, int keyLength)
    {
        var block = TlsImplUtilities.CalculateKeyBlock(cryptoParams, 2 * (keyLength + FixedIvLength));
        try
        {
            // We read what the peer wrote: the client's keys when we are the server.
            var peerIsClient = cryptoParams.IsServer;
            return (block.AsSpan(peerIsClient ? 0 : keyLength, keyLength).ToArray(),
                block.AsSpan(2 * keyLength + (peerIsClient ? 0 : FixedIvLength), FixedIvLength).ToArray());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(block);
        }
    }

    /// <summary>A reader for the peer's records, or null when the suite is not one of .NET's AES-GCM
    /// ciphers (<see cref="DotNetTlsCrypto.PeerWriteKeys"/>): BouncyCastle then reads everything.</summary>
    public static DtlsRecordReader? TryCreate(DotNetTlsCrypto crypto)
    {
        if (crypto.PeerWriteKeys is not { } keys) return null;
        var (key, iv) = keys;
        var version = ProtocolVersion.DTLSv12;
        var reader = new DtlsRecordReader(key, iv, (ushort)((version.MajorVersion << 8) | version.MinorVersion));
        CryptographicOperations.ZeroMemory(key);
        return reader;
    }

    /// <summary>Opens one record (header and body, exactly). <paramref name="plaintext"/> is set when <see cref="DtlsRecordOutcome.Opened"/>.</summary>
    public DtlsRecordOutcome Open(ReadOnlySpan<byte> record, out byte[]? plaintext)
    {
        plaintext = null;
        if (record.Length < HeaderLength + ExplicitNonceLength + TagLength || record[0] != ApplicationData
            || BinaryPrimitives.ReadUInt16BigEndian(record[1..]) != _version
            || BinaryPrimitives.ReadUInt16BigEndian(record[3..]) != Epoch
            || BinaryPrimitives.ReadUInt16BigEndian(record[11..]) != record.Length - HeaderLength)
            return DtlsRecordOutcome.NotOurs;
        var sequence = ((ulong)BinaryPrimitives.ReadUInt16BigEndian(record[5..]) << 32) | BinaryPrimitives.ReadUInt32BigEndian(record[7..]);
        if (!_window.MayAccept(sequence)) return DtlsRecordOutcome.Replayed;

        var body = record[HeaderLength..];
        var length = body.Length - ExplicitNonceLength - TagLength;
        body[..ExplicitNonceLength].CopyTo(_nonce.AsSpan(FixedIvLength));
        record[3..11].CopyTo(_additionalData);   // epoch and sequence number
        _additionalData[8] = ApplicationData;
        BinaryPrimitives.WriteUInt16BigEndian(_additionalData.AsSpan(9), _version);
        BinaryPrimitives.WriteUInt16BigEndian(_additionalData.AsSpan(11), (ushort)length);
        var output = new byte[length];
        try
        {
            _aes.Decrypt(_nonce, body.Slice(ExplicitNonceLength, length), body[^TagLength..], output, _additionalData);
        }
        catch (CryptographicException)
        {
            return DtlsRecordOutcome.NotOurs;   // BouncyCastle discards it (IgnoreCorruptDtlsRecords), as before
        }
        _window.Mark(sequence);
        plaintext = output;
        return DtlsRecordOutcome.Opened;
    }

    public void Dispose() => _aes.Dispose();
}
