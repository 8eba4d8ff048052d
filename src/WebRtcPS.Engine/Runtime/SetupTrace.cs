using System.Diagnostics;

namespace WebRtcPS.Engine.Runtime;

/// <summary>
/// A timeline of a connection's setup, for bench/peers: each layer marks what it did (a datagram
/// in or out, a handshake step, a hand-off between threads) with the monotonic clock and the
/// thread, so that two peer processes on one machine can be laid side by side and the time from
/// offer to open split per layer and per thread wake-up. Off unless the environment variable
/// <c>WRTC_SETUP_TRACE</c> is <c>1</c> when the process starts; then every mark is one
/// interlocked increment and one array store (the first 8,192 of the process are kept).
/// </summary>
/// <remarks>Callers that build a detail string check <see cref="Enabled"/> first, so a process
/// without the variable pays one static read per mark site.</remarks>
internal static class SetupTrace
{
    private const int Capacity = 8192;

    /// <summary>One mark: <see cref="Stopwatch.GetTimestamp"/>, the managed thread id, what happened.</summary>
    internal readonly record struct Entry(long Timestamp, int Thread, string Label, string? Detail);

    public static readonly bool Enabled = Environment.GetEnvironmentVariable("WRTC_SETUP_TRACE") == "1";

    private static readonly Entry[] Entries = Enabled ? new Entry[Capacity] : [];
    private static int _count;

    public static void Mark(string label, string? detail = null)
    {
        if (!Enabled) return;
        var i = Interlocked.Increment(ref _count) - 1;
        if (i < Capacity) Entries[i] = new Entry(Stopwatch.GetTimestamp(), Environment.CurrentManagedThreadId, label, detail);
    }

    /// <summary>The marks so far, in the order their slots were taken, and clears them.</summary>
    public static Entry[] Take()
    {
        if (!Enabled) return [];
        var n = Math.Min(Interlocked.Exchange(ref _count, 0), Capacity);
        var copy = Entries.AsSpan(0, n).ToArray();
        Array.Sort(copy, static (a, b) => a.Timestamp.CompareTo(b.Timestamp));
        return copy;
    }

    /// <summary>What a datagram on an ICE socket is (RFC 7983): STUN class, or DTLS content type
    /// with the handshake message type of a plaintext (epoch 0) handshake record.</summary>
    public static string Classify(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length < 2) return "?";
        if (datagram[0] <= 3)
        {
            var type = (datagram[0] << 8) | datagram[1];
            var cls = ((type >> 7) & 0x2) | ((type >> 4) & 0x1);
            return cls switch { 0 => "stun-req", 1 => "stun-ind", 2 => "stun-ok", _ => "stun-err" };
        }
        if (datagram[0] is >= 20 and <= 63 && datagram.Length >= 13)
        {
            var parts = new List<string>();
            var at = 0;
            while (at + 13 <= datagram.Length)
            {
                var contentType = datagram[at];
                var epoch = (datagram[at + 3] << 8) | datagram[at + 4];
                var length = (datagram[at + 11] << 8) | datagram[at + 12];
                var name = contentType switch { 20 => "ccs", 21 => "alert", 22 => "hs", 23 => "app", _ => contentType.ToString(System.Globalization.CultureInfo.InvariantCulture) };
                if (contentType == 22 && epoch == 0 && at + 14 <= datagram.Length) name += ":" + HandshakeName(datagram[at + 13]);
                else if (contentType == 22) name += ":fin";
                parts.Add(name);
                at += 13 + length;
            }
            return "dtls " + string.Join(",", parts) + " (" + datagram.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + " B)";
        }
        return "other";
    }

    private static string HandshakeName(byte type) => type switch
    {
        1 => "ClientHello",
        2 => "ServerHello",
        3 => "HelloVerifyRequest",
        11 => "Certificate",
        12 => "ServerKeyExchange",
        13 => "CertificateRequest",
        14 => "ServerHelloDone",
        15 => "CertificateVerify",
        16 => "ClientKeyExchange",
        20 => "Finished",
        _ => type.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
