using System.Security.Cryptography;
using WebRtcPS.Engine.Stun;

namespace WebRtcPS.Engine.Ice;

/// <summary>
/// The randomness of an ICE agent. By default cryptographic where it must be unguessable (STUN
/// transaction ids, RFC 8489 §6; ice-ufrag and ice-pwd, RFC 8445 §5.3); seeded, everything comes
/// from one <see cref="Random"/>, so a test replays the same ids, credentials and consent jitter.
/// </summary>
internal sealed class IceRandom
{
    // ice-char (RFC 8839 §5.4): ALPHA / DIGIT / "+" / "/".
    private const string IceChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    private readonly Random? _seeded;
    private readonly Random _jitter;

    /// <param name="seed">Null: cryptographic randomness; otherwise a deterministic sequence.</param>
    public IceRandom(int? seed = null)
    {
        _seeded = seed is { } s ? new Random(s) : null;
        _jitter = _seeded ?? new Random();
    }

    /// <summary>Uniform in [0, 1), for timer jitter (needs no secrecy).</summary>
    public double NextDouble() => _jitter.NextDouble();

    public ulong NextUInt64()
    {
        Span<byte> bytes = stackalloc byte[8];
        Fill(bytes);
        return BitConverter.ToUInt64(bytes);
    }

    public StunTransactionId NewTransactionId()
    {
        Span<byte> bytes = stackalloc byte[StunTransactionId.Length];
        Fill(bytes);
        return new StunTransactionId(bytes);
    }

    public string NextIceChars(int length) =>
        _seeded is { } r ? new string(r.GetItems<char>(IceChars, length)) : RandomNumberGenerator.GetString(IceChars, length);

    /// <summary>A version 4 (random) UUID (RFC 9562 §5.4): the name of an mDNS host candidate.</summary>
    public Guid NewUuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        Fill(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);   // version 4 (Guid's byte order keeps it here)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);   // the RFC 9562 variant
        return new Guid(bytes);
    }

    /// <summary>Fresh credentials, as <see cref="RTCIceParameters.Generate"/> makes them.</summary>
    public RTCIceParameters NewParameters() => new(NextIceChars(8), NextIceChars(24));

    private void Fill(Span<byte> bytes)
    {
        if (_seeded is { } r) r.NextBytes(bytes);
        else RandomNumberGenerator.Fill(bytes);
    }
}
