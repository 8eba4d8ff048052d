using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.W3C;

namespace WebRtcPS.Fuzz;

/// <summary>The DTLS record framing we read before BouncyCastle does (RFC 6347 §4.1): the filter
/// that drops forged short encrypted records. And our own DTLS (<see cref="DtlsConnection"/>) fed a
/// datagram as a fresh server and as a client that has sent its ClientHello: whatever comes, the
/// connection drops it or fails with its own error; nothing escapes.</summary>
internal static class DtlsTargets
{
    private static readonly RTCCertificate Certificate = RTCCertificate.Generate();

    public static void RecordFilter(ReadOnlySpan<byte> input) => _ = DtlsRecordFilter.IsAcceptable(input);

    public static void Server(ReadOnlySpan<byte> input)
    {
        using var server = new DtlsConnection(Options(DtlsRole.Server), static _ => { }, static (_, _) => false);
        server.OnDatagram(input, 0);
        server.OnTimer(1000);
    }

    public static void Client(ReadOnlySpan<byte> input)
    {
        using var client = new DtlsConnection(Options(DtlsRole.Client), static _ => { }, static (_, _) => false);
        client.Start(0);
        client.OnDatagram(input, 0);
        client.OnTimer(1000);
    }

    private static DtlsConnectionOptions Options(DtlsRole role) =>
        new() { Role = role, Certificate = Certificate, VerifyPeer = static _ => DtlsPeerCheck.Accepted };
}
