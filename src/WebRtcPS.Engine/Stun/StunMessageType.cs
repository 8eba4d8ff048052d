namespace WebRtcPS.Engine.Stun;

/// <summary>
/// A STUN message type: method and class interleaved in the 14 low bits (RFC 8489 §5).
/// <code>
///  0                 1
///  2  3  4 5 6 7 8 9 0 1 2 3 4 5
/// +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
/// |M |M |M|M|M|C|M|M|M|C|M|M|M|M|
/// |11|10|9|8|7|1|6|5|4|0|3|2|1|0|
/// +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// </summary>
internal readonly record struct StunMessageType
{
    public StunMessageType(StunMethod method, StunClass @class)
    {
        if ((ushort)method > 0xFFF) throw new ArgumentOutOfRangeException(nameof(method), method, "A STUN method has 12 bits.");
        if ((byte)@class > 3) throw new ArgumentOutOfRangeException(nameof(@class), @class, "A STUN class has 2 bits.");
        Method = method;
        Class = @class;
    }

    public StunMethod Method { get; }
    public StunClass Class { get; }

    public static StunMessageType BindingRequest => new(StunMethod.Binding, StunClass.Request);
    public static StunMessageType BindingSuccessResponse => new(StunMethod.Binding, StunClass.SuccessResponse);
    public static StunMessageType BindingErrorResponse => new(StunMethod.Binding, StunClass.ErrorResponse);
    public static StunMessageType BindingIndication => new(StunMethod.Binding, StunClass.Indication);

    /// <summary>The 16-bit wire value (the two most significant bits are always zero).</summary>
    public ushort Value
    {
        get
        {
            int m = (int)Method, c = (int)Class;
            return (ushort)((m & 0x000F) | ((c & 1) << 4) | ((m & 0x0070) << 1) | ((c & 2) << 7) | ((m & 0x0F80) << 2));
        }
    }

    /// <summary>Decodes the 14 low bits of <paramref name="value"/>; the top two bits are ignored.</summary>
    public static StunMessageType FromValue(ushort value)
    {
        int method = (value & 0x000F) | ((value & 0x00E0) >> 1) | ((value & 0x3E00) >> 2);
        int @class = ((value >> 4) & 1) | ((value >> 7) & 2);
        return new StunMessageType((StunMethod)method, (StunClass)@class);
    }

    /// <summary>The same method with another class, e.g. the success response to a request.</summary>
    public StunMessageType WithClass(StunClass @class) => new(Method, @class);

    public override string ToString() => $"{Method} {Class}";
}
