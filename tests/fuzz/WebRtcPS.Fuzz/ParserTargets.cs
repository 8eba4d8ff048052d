namespace WebRtcPS.Fuzz;

/// <summary>Every fuzzed parser, by name (README.md lists what each covers).</summary>
internal static class ParserTargets
{
    public static readonly IReadOnlyList<ParserTarget> All =
    [
        new("stun", StunTargets.Message, 16 * 1024, 64),
        new("channeldata", StunTargets.ChannelData, 16 * 1024, 8),
        new("turn-stream", StunTargets.TurnStream, 160 * 1024, 8),
        new("candidate", IceTargets.Candidate, 16 * 1024, 64),
        new("ice-server-uri", IceTargets.ServerUri, 16 * 1024, 64),
        new("rfc4571", IceTargets.Rfc4571, 16 * 1024, 16),
        new("mdns", IceTargets.Mdns, 16 * 1024, 64),
        new("sdp", SdpTargets.Description, 32 * 1024, 160),
        new("dtls-record", DtlsTargets.RecordFilter, 1024, 0),
        // A fresh connection each input: its buffers, transcript, and (for a hello that parses) a
        // whole flight with an ECDHE key and a signature.
        new("dtls-server", DtlsTargets.Server, 256 * 1024, 64),
        new("dtls-client", DtlsTargets.Client, 256 * 1024, 64),
        new("sctp", SctpTargets.Packet, 16 * 1024, 64),
        new("sctp-chunk", SctpTargets.Chunk, 16 * 1024, 64),
        new("dcep", DcepTargets.Message, 16 * 1024, 16),
        new("signaling-json", SignalingTargets.Json, 32 * 1024, 48),
        new("signaling-stream", SignalingTargets.Stream, 128 * 1024, 48),
    ];

    public static ParserTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);
}
