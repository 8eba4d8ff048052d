using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Engine.Tests.Dtls;

/// <summary>Two DTLS endpoints over any pair of datagram transports, with certificates made once.</summary>
internal static class DtlsTestPeers
{
    public static readonly RTCCertificate ClientCertificate = RTCCertificate.Generate();
    public static readonly RTCCertificate ServerCertificate = RTCCertificate.Generate();
    public static readonly RTCCertificate Stranger = RTCCertificate.Generate();

    public static DtlsParameters Parameters(DtlsRole role, TimeSpan? timeout = null, RTCCertificate? expectedPeer = null) => new()
    {
        Role = role,
        Certificate = role == DtlsRole.Client ? ClientCertificate : ServerCertificate,
        RemoteFingerprints = (expectedPeer ?? (role == DtlsRole.Client ? ServerCertificate : ClientCertificate)).GetFingerprints(),
        HandshakeTimeout = timeout ?? DtlsParameters.DefaultHandshakeTimeout,
    };

    /// <summary>Client on <paramref name="a"/>, server on <paramref name="b"/>; both must connect.</summary>
    public static async Task<(DtlsTransport Client, DtlsTransport Server)> ConnectAsync(
        IDatagramTransport a, IDatagramTransport b, TimeSpan? timeout = null)
    {
        var server = DtlsTransport.StartAsync(b, Parameters(DtlsRole.Server, timeout));
        var client = DtlsTransport.StartAsync(a, Parameters(DtlsRole.Client, timeout));
        return (await client, await server);
    }
}
