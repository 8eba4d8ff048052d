using System.Security.Cryptography;

namespace WebRtcPS.Engine.Dtls;

/// <summary>
/// The running hash of the handshake messages, for Finished (RFC 5246 §7.4.9), the extended master
/// secret's session hash (RFC 7627 §3) and CertificateVerify. In DTLS each message is hashed as if
/// sent in one fragment, with its 12-byte handshake header (RFC 6347 §4.2.6); the HelloVerifyRequest
/// and the ClientHello without a cookie are left out, and which messages go in is the caller's choice.
/// The PRF hash is known only at the ServerHello, so SHA-256 and SHA-384 both run until
/// <see cref="Select"/>.
/// </summary>
internal sealed class HandshakeTranscript : IDisposable
{
    private IncrementalHash? _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private IncrementalHash? _sha384 = IncrementalHash.CreateHash(HashAlgorithmName.SHA384);
    private HashAlgorithmName? _selected;
    private bool _disposed;

    /// <summary>Adds one whole handshake message (header and body).</summary>
    public void Append(ReadOnlySpan<byte> message)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _sha256?.AppendData(message);
        _sha384?.AppendData(message);
    }

    /// <summary>Keeps only the suite's PRF hash (SHA256 or SHA384); <see cref="Append"/> keeps working.
    /// Selecting the same hash again does nothing.</summary>
    public void Select(HashAlgorithmName hash)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (hash != HashAlgorithmName.SHA256 && hash != HashAlgorithmName.SHA384)
            throw new ArgumentOutOfRangeException(nameof(hash), hash, "The TLS 1.2 PRF hash is SHA-256 or SHA-384.");
        if (_selected is { } selected)
        {
            if (selected != hash) throw new InvalidOperationException($"The transcript already keeps only {selected}.");
            return;
        }
        _selected = hash;
        if (hash == HashAlgorithmName.SHA256)
        {
            _sha384!.Dispose();
            _sha384 = null;
        }
        else
        {
            _sha256!.Dispose();
            _sha256 = null;
        }
    }

    /// <summary>The selected hash of everything appended so far; the transcript goes on. Requires <see cref="Select"/>.</summary>
    public byte[] CurrentHash()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_selected is not { } selected) throw new InvalidOperationException("Select the PRF hash first.");
        return CurrentHash(selected);
    }

    /// <summary>The SHA-256 or SHA-384 of everything appended so far: either before <see cref="Select"/>,
    /// only the selected one after it. A CertificateVerify signed with another hash than the PRF's
    /// (RFC 5246 §7.4.8: the signature's hash, e.g. ecdsa_secp256r1_sha256 under a SHA-384 suite)
    /// needs it while both still run.</summary>
    public byte[] CurrentHash(HashAlgorithmName hash)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var running = hash == HashAlgorithmName.SHA256 ? _sha256 : hash == HashAlgorithmName.SHA384 ? _sha384 : null;
        if (running is null) throw new InvalidOperationException($"The transcript does not keep {hash}.");
        return running.GetCurrentHash();
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _sha256?.Dispose();
        _sha384?.Dispose();
        _sha256 = null;
        _sha384 = null;
    }
}
