namespace WebRtcPS.Engine.Sctp;

/// <summary>Error cause codes (RFC 9260 §3.3.10).</summary>
internal enum ErrorCauseCode : ushort
{
    InvalidStreamIdentifier = 1,
    MissingMandatoryParameter = 2,
    StaleCookie = 3,
    OutOfResource = 4,
    UnresolvableAddress = 5,
    UnrecognizedChunkType = 6,
    InvalidMandatoryParameter = 7,
    UnrecognizedParameters = 8,
    NoUserData = 9,
    CookieReceivedWhileShuttingDown = 10,
    RestartWithNewAddresses = 11,
    UserInitiatedAbort = 12,
    ProtocolViolation = 13,
}

/// <summary>One error cause carried by ABORT or ERROR (RFC 9260 §3.3.10); the cause-specific
/// information is kept raw (for Unrecognized Chunk Type it is the offending chunk, for User-Initiated
/// Abort the upper layer's reason, for Protocol Violation a text).</summary>
/// <remarks>Layout: Cause Code (16) | Cause Length (16) | Cause-Specific Information | padding.</remarks>
internal sealed record ErrorCause(ErrorCauseCode Code, byte[] Info)
{
    public int EncodedLength => 4 + Info.Length;

    public static bool TryParse(ReadOnlySpan<byte> element, out ErrorCause cause)
    {
        cause = null!;
        if (element.Length < 4) return false;
        var code = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(element);
        if (!WireParameter.TryRead(element, code, 0, out var info)) return false;
        cause = new ErrorCause((ErrorCauseCode)code, info.ToArray());
        return true;
    }

    public int Write(Span<byte> destination)
    {
        Wire.WriteTlvHeader(destination, (ushort)Code, EncodedLength);
        Info.CopyTo(destination[4..]);
        return EncodedLength;
    }

    /// <summary>Parses a padded list of causes (the value of ABORT or ERROR).</summary>
    public static bool TryParseList(ReadOnlySpan<byte> span, out List<ErrorCause> causes)
    {
        causes = [];
        while (span.Length > 0)
        {
            if (!Wire.TryReadTlv(span, out _, out var element, out var consumed) || !TryParse(element, out var cause)) return false;
            causes.Add(cause);
            span = span[consumed..];
        }
        return true;
    }

    public static int ListLength(IReadOnlyList<ErrorCause> causes)
    {
        var total = 0;
        for (var i = 0; i < causes.Count; i++) total += i == causes.Count - 1 ? causes[i].EncodedLength : Wire.Pad4(causes[i].EncodedLength);
        return total;
    }

    public static int WriteList(IReadOnlyList<ErrorCause> causes, Span<byte> destination)
    {
        var offset = 0;
        for (var i = 0; i < causes.Count; i++)
        {
            var len = causes[i].Write(destination[offset..]);
            offset += i == causes.Count - 1 ? len : Wire.PadAfter(destination[offset..], len);
        }
        return offset;
    }
}
