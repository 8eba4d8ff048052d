using System.Diagnostics;
using System.Globalization;
using WebRtcPS.Engine.Dtls;

namespace WebRtcPS.Bench.DataChannel;

/// <summary><c>--handshakes N</c>: N DTLS handshakes in a row over loopback UDP in this process, each
/// with two fresh certificates (as each RTCPeerConnection makes one): the certificate generation
/// time, the handshake's wall time (both StartAsync calls done) and the process CPU per handshake.
/// The first handshake (JIT) is reported on its own; medians are over the others. WRTC_DTLS=bc
/// times BouncyCastle's DTLS instead of our own (DtlsSettings.Implementation).</summary>
internal static class Handshakes
{
    public static async Task<int> RunAsync(int count)
    {
        var process = Process.GetCurrentProcess();
        var certMs = new List<double>();
        var wallMs = new List<double>();
        var cpuMs = new List<double>();
        for (var i = 0; i <= count; i++)
        {
            var sw = Stopwatch.StartNew();
            var clientCert = RTCCertificate.Generate();
            var serverCert = RTCCertificate.Generate();
            var cert = sw.Elapsed.TotalMilliseconds / 2;

            await using var a = new UdpDatagramTransport();
            await using var b = new UdpDatagramTransport();
            a.Connect(b.LocalPort);
            b.Connect(a.LocalPort);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            sw.Restart();
            var server = DtlsTransports.StartWhenReadyAsync(b, Parameters(DtlsRole.Server, serverCert, clientCert), null, timeout.Token);
            var client = DtlsTransports.StartWhenReadyAsync(a, Parameters(DtlsRole.Client, clientCert, serverCert), null, timeout.Token);
            await using var s = await server;
            await using var c = await client;
            var wall = sw.Elapsed.TotalMilliseconds;
            process.Refresh();
            var cpu = (process.TotalProcessorTime - cpu0).TotalMilliseconds;
            if (i == 0)
            {
                Console.WriteLine(FormattableString.Invariant($"first handshake (JIT): {wall:F1} ms wall, {cpu:F0} ms CPU, certificate {cert:F1} ms, {c.CipherSuite}"));
                continue;
            }
            certMs.Add(cert);
            wallMs.Add(wall);
            cpuMs.Add(cpu);
        }
        Console.WriteLine(FormattableString.Invariant(
            $"{count} handshakes: wall median {Median(wallMs):F2} ms (min {wallMs.Min():F2}), CPU median {Median(cpuMs):F2} ms, certificate median {Median(certMs):F2} ms"));
        return 0;
    }

    private static DtlsParameters Parameters(DtlsRole role, RTCCertificate local, RTCCertificate remote) => new()
    {
        Role = role,
        Certificate = local,
        RemoteFingerprints = [remote.GetFingerprints()[0]],
    };

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];
    }
}
