using System.Net;
using WebRtcPS.Engine.Stun.Attributes;

namespace WebRtcPS.Engine.Stun;

/// <summary>
/// Answers Binding requests (RFC 8489 §6.3): a success response carrying the request's source
/// as XOR-MAPPED-ADDRESS, or an error. Pure: bytes and a source address in, bytes (or nothing,
/// meaning drop silently) out; sockets belong to the caller, e.g. <see cref="StunServer"/>.
/// </summary>
internal sealed class StunBindingResponder
{
    public StunBindingResponder(StunBindingResponderOptions? options = null) => Options = options ?? new StunBindingResponderOptions();

    public StunBindingResponderOptions Options { get; }

    /// <summary>Parses a datagram and answers it; null when it is not a STUN request to answer.</summary>
    public byte[]? Respond(ReadOnlySpan<byte> datagram, IPEndPoint source) =>
        StunMessage.TryParse(datagram, out var request) ? Respond(request, source)?.Raw.ToArray() : null;

    /// <summary>The response to send to <paramref name="source"/>, or null to drop the message.</summary>
    public StunMessage? Respond(StunMessage request, IPEndPoint source)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(source);

        // Indications and responses get no answer (RFC 8489 §6.3.2).
        if (request.Class != StunClass.Request) return null;
        // A FINGERPRINT that fails means this is not really STUN, or was damaged: drop (RFC 8489 §6.3, §7).
        if (Fingerprint.Verify(request) == StunIntegrityStatus.Invalid) return null;

        byte[]? key = null;
        if (Options.GetShortTermKey is { } lookup)
        {
            // RFC 8489 §9.1.3: both USERNAME and MESSAGE-INTEGRITY(-SHA256) or 400; an unknown
            // user or a bad HMAC gets 401 without integrity, since no key is shared.
            bool hasIntegrity = request.Contains(StunAttributeType.MessageIntegrity) || request.Contains(StunAttributeType.MessageIntegritySha256);
            if (!hasIntegrity || !request.TryGet(out Username username)) return Error(request, StunErrorCodes.BadRequest, null);
            key = lookup(username.Value);
            if (key is null || StunCredentials.CheckIntegrity(request, key) != StunIntegrityStatus.Valid)
                return Error(request, StunErrorCodes.Unauthorized, null);
        }

        // After authentication, unknown comprehension-required attributes (§6.3.1).
        var unknown = request.GetUnknownComprehensionRequired();
        if (unknown.Count > 0) return Error(request, StunErrorCodes.UnknownAttribute, key, new UnknownAttributes(unknown));

        if (request.Method != StunMethod.Binding) return Error(request, StunErrorCodes.BadRequest, key);

        var builder = new StunMessageBuilder(request.Type.WithClass(StunClass.SuccessResponse), request.TransactionId);
        builder.AddXorAddress(new XorMappedAddress(source));
        return Finish(builder, key);
    }

    private StunMessage Error(StunMessage request, int code, byte[]? key, UnknownAttributes? unknown = null)
    {
        var builder = new StunMessageBuilder(request.Type.WithClass(StunClass.ErrorResponse), request.TransactionId);
        builder.Add(new ErrorCode(code));
        if (unknown is { } list) builder.Add(list);
        return Finish(builder, key);
    }

    private StunMessage Finish(StunMessageBuilder builder, byte[]? key)
    {
        if (Options.Software is { } software) builder.Add(new Software(software));
        // A request authenticated with a short-term key gets a response protected by the same key (§9.1.3).
        if (key is not null) builder.AddMessageIntegrity(key);
        if (Options.IncludeFingerprint) builder.AddFingerprint();
        return builder.Build();
    }
}
