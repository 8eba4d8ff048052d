namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>
/// The class/number/reason layout shared by ERROR-CODE (RFC 8489 §14.8) and
/// ADDRESS-ERROR-CODE (RFC 8656 §18.12): bytes 0-1 reserved (or family), byte 2 holds the
/// class (hundreds digit, 3-6) in its low 3 bits, byte 3 the number (0-99), then the reason.
/// </summary>
internal static class StunErrorCodeCodec
{
    public static int ValidateCode(int code, string paramName) =>
        code is >= 300 and <= 699 ? code : throw new ArgumentOutOfRangeException(paramName, code, "A STUN error code is 300-699.");

    public static int EncodedLength(string reason) => 4 + StunText.ByteCount(reason);

    public static int Write(int code, string reason, Span<byte> destination)
    {
        destination[1] = 0;
        destination[2] = (byte)(code / 100);
        destination[3] = (byte)(code % 100);
        return 4 + StunText.Write(reason, destination[4..]);
    }

    public static bool TryRead(ReadOnlySpan<byte> value, out int code, out string reason)
    {
        code = 0;
        reason = "";
        if (value.Length < 4) return false;
        int @class = value[2] & 0x07, number = value[3];
        if (@class is < 3 or > 6 || number > 99) return false;
        if (!StunText.TryDecode(value[4..], StunText.MaxBytes, out reason)) return false;
        code = @class * 100 + number;
        return true;
    }
}
