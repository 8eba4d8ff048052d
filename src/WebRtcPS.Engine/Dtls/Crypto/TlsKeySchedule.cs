using System.Security.Cryptography;

namespace WebRtcPS.Engine.Dtls;

/// <summary>
/// The TLS 1.2 secrets of a handshake, all by <see cref="TlsPrf"/> with the suite's PRF hash:
/// master secret (RFC 5246 §8.1, or RFC 7627 §4 with extended master secret), key block (§6.3),
/// Finished verify_data (§7.4.9) and the keying material exporter (RFC 5705 §4) that DTLS-SRTP
/// keys come from (RFC 5764 §4.2). Lengths are those of the AES-GCM suites (RFC 5288 §3):
/// a 16- or 32-byte key, a 4-byte fixed (implicit) IV, no MAC key.
/// </summary>
internal static class TlsKeySchedule
{
    public const int MasterSecretLength = 48, VerifyDataLength = 12, FixedIvLength = 4;

    /// <summary>The length of ClientHello.random and ServerHello.random (RFC 5246 §7.4.1.2).</summary>
    private const int RandomLength = 32;

    /// <summary>master_secret = PRF(pre_master_secret, "master secret", ClientHello.random || ServerHello.random)[0..47]
    /// (RFC 5246 §8.1).</summary>
    public static byte[] MasterSecret(HashAlgorithmName hash, ReadOnlySpan<byte> preMasterSecret, ReadOnlySpan<byte> clientRandom, ReadOnlySpan<byte> serverRandom)
    {
        Span<byte> seed = stackalloc byte[2 * RandomLength];
        Concat(clientRandom, serverRandom, seed);
        var master = new byte[MasterSecretLength];
        TlsPrf.Derive(hash, preMasterSecret, "master secret", seed, master);
        return master;
    }

    /// <summary>master_secret = PRF(pre_master_secret, "extended master secret", session_hash)[0..47]
    /// (RFC 7627 §4), session_hash the transcript hash up to and including the ClientKeyExchange.</summary>
    public static byte[] ExtendedMasterSecret(HashAlgorithmName hash, ReadOnlySpan<byte> preMasterSecret, ReadOnlySpan<byte> sessionHash)
    {
        var master = new byte[MasterSecretLength];
        TlsPrf.Derive(hash, preMasterSecret, "extended master secret", sessionHash, master);
        return master;
    }

    /// <summary>key_block = PRF(master_secret, "key expansion", server_random || client_random), split in the
    /// order of RFC 5246 §6.3; client_write_MAC_key and server_write_MAC_key are empty for AEAD ciphers.
    /// <paramref name="keyLength"/> is 16 (AES-128-GCM) or 32 (AES-256-GCM).</summary>
    public static TlsKeyBlock KeyBlock(HashAlgorithmName hash, ReadOnlySpan<byte> masterSecret, ReadOnlySpan<byte> clientRandom, ReadOnlySpan<byte> serverRandom, int keyLength)
    {
        if (keyLength is not (16 or 32))
            throw new ArgumentOutOfRangeException(nameof(keyLength), keyLength, "An AES-GCM key is 16 or 32 bytes.");
        Span<byte> seed = stackalloc byte[2 * RandomLength];
        // Server random first here, unlike the master secret (RFC 5246 §6.3).
        Concat(serverRandom, clientRandom, seed);
        Span<byte> block = stackalloc byte[2 * 32 + 2 * FixedIvLength];
        block = block[..(2 * keyLength + 2 * FixedIvLength)];
        TlsPrf.Derive(hash, masterSecret, "key expansion", seed, block);
        var keys = new TlsKeyBlock(
            block[..keyLength].ToArray(),
            block.Slice(keyLength, keyLength).ToArray(),
            block.Slice(2 * keyLength, FixedIvLength).ToArray(),
            block.Slice(2 * keyLength + FixedIvLength, FixedIvLength).ToArray());
        CryptographicOperations.ZeroMemory(block);
        return keys;
    }

    /// <summary>verify_data = PRF(master_secret, finished_label, Hash(handshake_messages))[0..11] (RFC 5246 §7.4.9):
    /// "client finished" when <paramref name="client"/>, else "server finished"; <paramref name="handshakeHash"/> is
    /// the transcript hash up to, not including, this Finished (<see cref="HandshakeTranscript"/>).</summary>
    public static byte[] VerifyData(HashAlgorithmName hash, ReadOnlySpan<byte> masterSecret, bool client, ReadOnlySpan<byte> handshakeHash)
    {
        var verifyData = new byte[VerifyDataLength];
        TlsPrf.Derive(hash, masterSecret, client ? "client finished" : "server finished", handshakeHash, verifyData);
        return verifyData;
    }

    /// <summary>PRF(master_secret, label, client_random || server_random)[length] (RFC 5705 §4, no context value),
    /// e.g. the DTLS-SRTP keys with "EXTRACTOR-dtls_srtp" (RFC 5764 §4.2).</summary>
    public static byte[] ExportKeyingMaterial(HashAlgorithmName hash, ReadOnlySpan<byte> masterSecret, string label, ReadOnlySpan<byte> clientRandom, ReadOnlySpan<byte> serverRandom, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Span<byte> seed = stackalloc byte[2 * RandomLength];
        Concat(clientRandom, serverRandom, seed);
        var material = new byte[length];
        TlsPrf.Derive(hash, masterSecret, label, seed, material);
        return material;
    }

    private static void Concat(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, Span<byte> seed)
    {
        if (first.Length != RandomLength || second.Length != RandomLength)
            throw new ArgumentException("A hello random is 32 bytes (RFC 5246 §7.4.1.2).");
        first.CopyTo(seed);
        second.CopyTo(seed[RandomLength..]);
    }
}
