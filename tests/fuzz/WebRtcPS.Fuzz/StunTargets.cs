using WebRtcPS.Engine.Stun;
using WebRtcPS.Engine.Stun.Attributes;
using WebRtcPS.Engine.Turn;

namespace WebRtcPS.Fuzz;

/// <summary>STUN/TURN messages (RFC 8489, RFC 8656), ChannelData and the TURN stream framing.
/// Their parsers return false on malformed input and never throw; TurnStreamFramer.ReadFrameAsync
/// throws <see cref="InvalidDataException"/> for a stream that is not TURN framing.</summary>
internal static class StunTargets
{
    private static readonly byte[] Key = "key"u8.ToArray();

    public static void Message(ReadOnlySpan<byte> input)
    {
        _ = StunMessage.IsStun(input);
        _ = StunMessage.TryGetMessageLength(input, out _);
        if (!StunMessage.TryParse(input, out var message)) return;
        _ = message.ToString();
        // Every codec on every attribute value: a codec must refuse any value, not only its own type's.
        foreach (var attribute in message.Attributes) DecodeAll(attribute.Value.Span, message.TransactionId);
        _ = message.GetUnknownComprehensionRequired();
        _ = Fingerprint.Verify(message);
        _ = MessageIntegrity.Verify(message, Key);
        _ = MessageIntegritySha256.Verify(message, Key);
        _ = StunCredentials.Verify(message, Key, requireFingerprint: true);
        _ = message.ToArray();
    }

    private static void DecodeAll(ReadOnlySpan<byte> v, StunTransactionId id)
    {
        _ = AdditionalAddressFamily.TryParse(v, out _);
        _ = AddressErrorCode.TryParse(v, out _);
        _ = AlternateDomain.TryParse(v, out _);
        _ = AlternateServer.TryParse(v, out _);
        _ = ChangeRequest.TryParse(v, out _);
        _ = ChannelNumber.TryParse(v, out _);
        _ = Data.TryParse(v, out _);
        _ = DontFragment.TryParse(v, out _);
        _ = ErrorCode.TryParse(v, out _);
        _ = EvenPort.TryParse(v, out _);
        _ = Fingerprint.TryParse(v, out _);
        _ = IceControlled.TryParse(v, out _);
        _ = IceControlling.TryParse(v, out _);
        _ = Icmp.TryParse(v, out _);
        _ = Lifetime.TryParse(v, out _);
        _ = MappedAddress.TryParse(v, out _);
        _ = MessageIntegrity.TryParse(v, out _);
        _ = MessageIntegritySha256.TryParse(v, out _);
        _ = Nonce.TryParse(v, out _);
        _ = OtherAddress.TryParse(v, out _);
        _ = PasswordAlgorithm.TryParse(v, out _);
        _ = PasswordAlgorithms.TryParse(v, out _);
        _ = Priority.TryParse(v, out _);
        _ = Realm.TryParse(v, out _);
        _ = RequestedAddressFamily.TryParse(v, out _);
        _ = RequestedTransport.TryParse(v, out _);
        _ = ReservationToken.TryParse(v, out _);
        _ = ResponseOrigin.TryParse(v, out _);
        _ = Software.TryParse(v, out _);
        _ = UnknownAttributes.TryParse(v, out _);
        _ = UseCandidate.TryParse(v, out _);
        _ = UserHash.TryParse(v, out _);
        _ = Username.TryParse(v, out _);
        _ = XorMappedAddress.TryParse(v, id, out _);
        _ = XorPeerAddress.TryParse(v, id, out _);
        _ = XorRelayedAddress.TryParse(v, id, out _);
    }

    public static void ChannelData(ReadOnlySpan<byte> input)
    {
        _ = Engine.Turn.ChannelData.TryReadHeader(input, out _, out _);
        if (Engine.Turn.ChannelData.TryParse(input, out var message)) _ = message.ToArray(padded: true);
    }

    /// <summary>The frames of a TCP/TLS connection to a TURN server, read until the stream ends
    /// or is refused.</summary>
    public static void TurnStream(ReadOnlySpan<byte> input)
    {
        _ = TurnStreamFramer.TryGetFrameLength(input, out _);
        using var stream = new ChunkedStream(input.ToArray());
        try
        {
            while (TurnStreamFramer.ReadFrameAsync(stream, CancellationToken.None).AsTask().GetAwaiter().GetResult() is { } frame)
            {
                if (StunMessage.IsStun(frame)) _ = StunMessage.TryParse(frame, out _);
                else _ = Engine.Turn.ChannelData.TryParse(frame, out _);
            }
        }
        catch (InvalidDataException)
        {
            // The documented refusal: not TURN framing, or the stream ended inside a frame.
        }
    }
}
