using WebRtcPS.Engine.Dtls;

namespace WebRtcPS.Fuzz;

/// <summary>The DTLS record framing we read before BouncyCastle does (RFC 6347 §4.1): the filter
/// that drops forged short encrypted records. Never throws.</summary>
internal static class DtlsTargets
{
    public static void RecordFilter(ReadOnlySpan<byte> input) => _ = DtlsRecordFilter.IsAcceptable(input);
}
