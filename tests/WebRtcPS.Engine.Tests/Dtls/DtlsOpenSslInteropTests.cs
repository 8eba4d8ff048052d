using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using WebRtcPS.Engine.Dtls;
using Xunit.Abstractions;

namespace WebRtcPS.Engine.Tests.Dtls;

/// <summary>
/// Interop with OpenSSL's DTLS 1.2 test tools (<c>s_server</c> / <c>s_client</c>), each side with
/// a self-signed ECDSA P-256 certificate, the client certificate required, fingerprints checked
/// by our side. Skipped, with the reason printed, when <c>openssl</c> is not on PATH.
/// </summary>
public sealed class DtlsOpenSslInteropTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);
    private readonly string _dir = Directory.CreateTempSubdirectory("wrtc-dtls-openssl-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<RTCDtlsFingerprint> MakeOpenSslCertificateAsync()
    {
        await OpenSslProcess.RunAsync(_dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-keyout", "key.pem", "-out", "cert.pem", "-days", "2", "-subj", "/CN=openssl-peer");
        // OpenSSL's own fingerprint output must be what our formatter produces.
        var printed = await OpenSslProcess.RunAsync(_dir, "x509", "-in", "cert.pem", "-noout", "-fingerprint", "-sha256");
        var value = printed.Trim().Split('=', 2)[1];
        using var x509 = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_dir, "cert.pem")));
        var ours = RTCDtlsFingerprint.Compute("sha-256", x509.RawData);
        Assert.Equal(value, ours.Value);
        return ours;
    }

    private static int FreeUdpPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    private static DtlsParameters Parameters(DtlsRole role, RTCDtlsFingerprint remote, DtlsImplementation implementation) => new()
    {
        Role = role,
        Implementation = implementation,
        Certificate = role == DtlsRole.Client ? DtlsTestPeers.ClientCertificate : DtlsTestPeers.ServerCertificate,
        RemoteFingerprints = [remote],
        HandshakeTimeout = TimeSpan.FromSeconds(15),
    };

    [SkippableTheory]
    [InlineData(DtlsImplementation.BouncyCastle)]
    [InlineData(DtlsImplementation.Native)]
    public async Task ClientInteropsWithOpenSslServer(DtlsImplementation implementation)
    {
        Interop.Require(OpenSslProcess.Path is not null, "openssl is not on PATH: DTLS interop with s_server skipped.");
        var fingerprint = await MakeOpenSslCertificateAsync();
        var port = FreeUdpPort();
        using var server = OpenSslProcess.Start(_dir, "s_server", "-dtls1_2", "-accept", $"127.0.0.1:{port}",
            "-cert", "cert.pem", "-key", "key.pem", "-Verify", "1", "-mtu", "1200", "-naccept", "1");
        await server.WaitForAsync("ACCEPT", Generous);

        await using var udp = UdpDatagramTransport.Connect(new IPEndPoint(IPAddress.Loopback, port));
        await using var client = await DtlsTransports.StartWhenReadyAsync(udp, Parameters(DtlsRole.Client, fingerprint, implementation), null, default).Within(Generous);
        output.WriteLine($"connected to openssl s_server: {client.CipherSuite}");
        Assert.Equal(fingerprint, client.RemoteFingerprint);

        await client.SendAsync(Encoding.ASCII.GetBytes("hello from webrtcps\n"));
        await server.WaitForAsync("hello from webrtcps", Generous);

        await server.WriteLineAsync("hello from openssl");
        var buffer = new byte[2048];
        var n = await client.ReceiveAsync(buffer).AsTask().Within(Generous);
        Assert.Equal("hello from openssl\n", Encoding.ASCII.GetString(buffer, 0, n));
        Assert.Contains("CN = WebRTC", server.Output); // s_server saw our client certificate

        await client.DisposeAsync(); // close_notify: s_server ends the connection and, with -naccept 1, exits
        await server.WaitForExitAsync(Generous);
        output.WriteLine(server.Output);
    }

    [SkippableTheory]
    [InlineData(DtlsImplementation.BouncyCastle)]
    [InlineData(DtlsImplementation.Native)]
    public async Task ServerInteropsWithOpenSslClient(DtlsImplementation implementation)
    {
        Interop.Require(OpenSslProcess.Path is not null, "openssl is not on PATH: DTLS interop with s_client skipped.");
        var fingerprint = await MakeOpenSslCertificateAsync();
        await using var udp = UdpDatagramTransport.Listen();
        var accepting = DtlsTransports.StartWhenReadyAsync(udp, Parameters(DtlsRole.Server, fingerprint, implementation), null, default);
        using var client = OpenSslProcess.Start(_dir, "s_client", "-dtls1_2", "-connect", $"127.0.0.1:{udp.LocalEndPoint.Port}",
            "-cert", "cert.pem", "-key", "key.pem", "-mtu", "1200");

        await using var server = await accepting.Within(Generous);
        output.WriteLine($"accepted openssl s_client: {server.CipherSuite}");
        Assert.Equal(fingerprint, server.RemoteFingerprint);
        await client.WaitForAsync("Verify return code", Generous); // s_client finished its handshake report
        Assert.Contains("CN = WebRTC", client.Output);                // and saw our certificate

        await server.SendAsync(Encoding.ASCII.GetBytes("hello from webrtcps\n"));
        await client.WaitForAsync("hello from webrtcps", Generous);

        await client.WriteLineAsync("hello from openssl");
        var buffer = new byte[2048];
        var n = await server.ReceiveAsync(buffer).AsTask().Within(Generous);
        Assert.Equal("hello from openssl\n", Encoding.ASCII.GetString(buffer, 0, n));

        await server.DisposeAsync(); // close_notify: s_client reports it and exits
        await client.WaitForExitAsync(Generous);
        output.WriteLine(client.Output);
    }
}
