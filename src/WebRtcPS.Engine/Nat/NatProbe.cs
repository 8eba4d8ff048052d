using System.Globalization;
using System.Net;
using WebRtcPS.Engine.Stun.Attributes;

namespace WebRtcPS.Engine.Nat;

/// <summary>
/// One Binding request of the NAT behaviour tests and what came back: the observation the
/// decision rules (<see cref="NatBehaviorRules"/>) work from.
/// </summary>
/// <param name="Name">Which test, e.g. "mapping test II".</param>
/// <param name="Destination">Where the request went.</param>
/// <param name="Change">The CHANGE-REQUEST it carried, if any.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Source">Where the response came from (the UDP source, not what the server claims).</param>
/// <param name="Mapped">XOR-MAPPED-ADDRESS (or MAPPED-ADDRESS) of a success response.</param>
/// <param name="OtherAddress">OTHER-ADDRESS of a success response (RFC 5780 §7.4).</param>
/// <param name="ResponseOrigin">RESPONSE-ORIGIN of a success response (RFC 5780 §7.3).</param>
/// <param name="ErrorCode">ERROR-CODE of an error response.</param>
/// <param name="ErrorReason">Its reason phrase.</param>
/// <param name="RequestsSent">Requests put on the wire, retransmissions included.</param>
/// <param name="Elapsed">From the first send to the response or the timeout.</param>
internal sealed record NatProbe(
    string Name,
    IPEndPoint? Destination,
    ChangeRequest? Change,
    NatProbeOutcome Outcome,
    IPEndPoint? Source = null,
    IPEndPoint? Mapped = null,
    IPEndPoint? OtherAddress = null,
    IPEndPoint? ResponseOrigin = null,
    int? ErrorCode = null,
    string? ErrorReason = null,
    int RequestsSent = 0,
    TimeSpan Elapsed = default)
{
    /// <summary>A test that was not sent.</summary>
    public static NatProbe NotRun(string name, IPEndPoint? destination = null, ChangeRequest? change = null) =>
        new(name, destination, change, NatProbeOutcome.NotRun);

    public bool IsAnswered => Outcome == NatProbeOutcome.Answered;

    /// <summary>One line for -Verbose and error messages.</summary>
    public override string ToString()
    {
        var change = Change is { } c ? $" with CHANGE-REQUEST ({Describe(c)})" : "";
        var to = Destination is null ? "" : $" to {Destination}";
        var timing = string.Create(CultureInfo.InvariantCulture, $"{RequestsSent} request(s), {Elapsed.TotalMilliseconds:0.#} ms");
        return Outcome switch
        {
            NatProbeOutcome.NotRun => $"{Name}{to}{change}: not run",
            NatProbeOutcome.NoAnswer => ErrorReason is null ? $"{Name}{to}{change}: no answer ({timing})" : $"{Name}{to}{change}: no answer, {ErrorReason}",
            NatProbeOutcome.ErrorResponse => $"{Name}{to}{change}: error {ErrorCode} {ErrorReason} from {Source} ({timing})",
            _ => $"{Name}{to}{change}: answered from {Source}, mapped {Mapped?.ToString() ?? "(none)"}" +
                (OtherAddress is null ? "" : $", OTHER-ADDRESS {OtherAddress}") + $" ({timing})",
        };
    }

    internal static string Describe(ChangeRequest change) => (change.ChangeIp, change.ChangePort) switch
    {
        (true, true) => "change IP and port",
        (true, false) => "change IP",
        (false, true) => "change port",
        _ => "no change",
    };
}
