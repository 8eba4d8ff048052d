namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>
/// ERROR-CODE (RFC 8489 §14.8): numeric code 300-699 and a human-readable reason.
/// <code>
/// |           Reserved, should be 0         |Class|     Number    |
/// |      Reason Phrase (variable)                                ..
/// </code>
/// </summary>
internal readonly record struct ErrorCode : IStunAttribute<ErrorCode>
{
    /// <param name="code">300-699; see <see cref="StunErrorCodes"/>.</param>
    /// <param name="reason">Defaults to the RFC's recommended phrase for the code.</param>
    public ErrorCode(int code, string? reason = null)
    {
        Code = StunErrorCodeCodec.ValidateCode(code, nameof(code));
        Reason = StunText.Validate(reason ?? StunErrorCodes.DefaultReason(code), StunText.MaxBytes, true, nameof(reason));
    }

    private ErrorCode(int code, string reason, bool _) => (Code, Reason) = (code, reason);

    public int Code { get; }
    public string Reason { get; }

    /// <summary>The hundreds digit (3-6).</summary>
    public int Class => Code / 100;

    /// <summary>The code modulo 100.</summary>
    public int Number => Code % 100;

    public static StunAttributeType AttributeType => StunAttributeType.ErrorCode;

    public int EncodedLength => StunErrorCodeCodec.EncodedLength(Reason ?? "");

    public int Write(Span<byte> destination)
    {
        destination[0] = 0;
        return StunErrorCodeCodec.Write(Code, Reason ?? "", destination);
    }

    public static bool TryParse(ReadOnlySpan<byte> value, out ErrorCode attribute)
    {
        bool ok = StunErrorCodeCodec.TryRead(value, out int code, out string reason);
        attribute = new ErrorCode(code, reason, false);
        return ok;
    }

    public override string ToString() => $"{Code} {Reason}";
}
