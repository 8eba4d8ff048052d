namespace WebRtcPS.Engine.Dtls;

/// <summary>
/// An alert record's body (RFC 5246 §7.2): level(1) | description(1), exactly two bytes. The
/// description is a <see cref="TlsAlertDescription"/>, kept as a byte so that unknown values
/// still parse; an unknown level does not (Go's crypto/tls treats it as unexpected_message).
/// </summary>
internal readonly record struct DtlsAlertMessage(byte Level, byte Description)
{
    public const byte Warning = 1;
    public const byte Fatal = 2;
    public const int Size = 2;

    /// <summary>RFC 5246 §7.2: a fatal alert ends the connection at once; a warning
    /// (close_notify included) is for the receiver to judge.</summary>
    public bool IsFatal => Level == Fatal;

    public static bool TryParse(ReadOnlySpan<byte> data, out DtlsAlertMessage alert)
    {
        alert = default;
        if (data.Length != Size) return false;
        if (data[0] is not (Warning or Fatal)) return false;
        alert = new DtlsAlertMessage(data[0], data[1]);
        return true;
    }

    public int Write(Span<byte> destination)
    {
        if (destination.Length < Size) throw new ArgumentException("The destination is shorter than an alert.", nameof(destination));
        destination[0] = Level;
        destination[1] = Description;
        return Size;
    }
}
