namespace WebRtcPS.Engine.Stun.Attributes;

/// <summary>
/// ADDRESS-ERROR-CODE (RFC 8656 §18.12): why one of the requested address families could not
/// be allocated (440 or 508), in a dual-allocation response.
/// <code>
/// |    Family     |        Reserved         |Class|     Number    |
/// |                    Reason Phrase (variable)                  ..
/// </code>
/// </summary>
internal readonly record struct AddressErrorCode : IStunAttribute<AddressErrorCode>
{
    public AddressErrorCode(StunAddressFamily family, int code, string? reason = null)
    {
        Family = family;
        Code = StunErrorCodeCodec.ValidateCode(code, nameof(code));
        Reason = StunText.Validate(reason ?? StunErrorCodes.DefaultReason(code), StunText.MaxBytes, true, nameof(reason));
    }

    private AddressErrorCode(StunAddressFamily family, int code, string reason, bool _) => (Family, Code, Reason) = (family, code, reason);

    public StunAddressFamily Family { get; }
    public int Code { get; }
    public string Reason { get; }

    public static StunAttributeType AttributeType => StunAttributeType.AddressErrorCode;

    public int EncodedLength => StunErrorCodeCodec.EncodedLength(Reason ?? "");

    public int Write(Span<byte> destination)
    {
        destination[0] = (byte)Family;
        return StunErrorCodeCodec.Write(Code, Reason ?? "", destination);
    }

    public static bool TryParse(ReadOnlySpan<byte> value, out AddressErrorCode attribute)
    {
        bool ok = StunErrorCodeCodec.TryRead(value, out int code, out string reason);
        attribute = new AddressErrorCode(ok ? (StunAddressFamily)value[0] : default, code, reason, false);
        return ok;
    }
}
