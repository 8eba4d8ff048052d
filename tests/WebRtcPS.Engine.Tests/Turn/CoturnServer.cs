using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.Stun;
using WebRtcPS.Engine.Turn;

namespace WebRtcPS.Engine.Tests.Turn;

/// <summary>Lifetimes and nonce expiry for one coturn instance (seconds).</summary>
public sealed record CoturnSettings
{
    public int MaxAllocateLifetime { get; init; } = 3600;
    public int PermissionLifetime { get; init; } = 300;
    public int ChannelLifetime { get; init; } = 600;
    public int StaleNonce { get; init; } = 600;
    /// <summary>The one long-term credential the server accepts.</summary>
    public string User { get; init; } = CoturnServer.User;
    public string Password { get; init; } = CoturnServer.Password;
    /// <summary>When set, Allocate requests are redirected there with 300 (Try Alternate).</summary>
    public IPEndPoint? AlternateServer { get; init; }
    /// <summary>A second listening address (e.g. 127.0.0.2): coturn then supports RFC 5780 NAT
    /// behaviour discovery, answering OTHER-ADDRESS and CHANGE-REQUEST from there and from its
    /// alternate ports (PORT + 1, TLS_PORT + 1), which must be free too.</summary>
    public IPAddress? SecondAddress { get; init; }
    /// <summary>How many relay ports coturn may hand out (1: every allocation, also after a restart, gets the same one).</summary>
    public int RelayPorts { get; init; } = 100;
}

/// <summary>
/// A real coturn (<c>turnserver</c>) on 127.0.0.1, started from tests/interop/coturn's template on
/// free ports with a fresh self-signed certificate, ready once it answers a STUN Binding over UDP
/// and accepts a TCP connection on its TLS port; killed in Dispose.
/// </summary>
internal sealed class CoturnServer : IAsyncDisposable
{
    public const string User = "alice";
    public const string Password = "secret";
    public const string RealmName = "webrtcps.test";

    private Process _process;
    private readonly CoturnSettings _settings;

    private CoturnServer(Process process, CoturnSettings settings, string dir, int port, int tlsPort)
    {
        _process = process;
        _settings = settings;
        Directory = dir;
        Port = port;
        TlsPort = tlsPort;
        Certificate = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(dir, "cert.pem")));
    }

    public static string? Binary => Interop.Which("turnserver");
    public static string? OpenSsl => Interop.Which("openssl");

    public string Directory { get; }
    public int Port { get; }
    public int TlsPort { get; }
    public X509Certificate2 Certificate { get; }
    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);
    public IceServerUri UdpUri => IceServerUri.Parse($"turn:127.0.0.1:{Port}?transport=udp");
    public IceServerUri TcpUri => IceServerUri.Parse($"turn:127.0.0.1:{Port}?transport=tcp");
    public IceServerUri TlsUri => IceServerUri.Parse($"turns:127.0.0.1:{TlsPort}");
    public string Log => File.Exists(Path.Combine(Directory, "turnserver.log")) ? ReadShared(Path.Combine(Directory, "turnserver.log")) : "";

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Trusts exactly this server's self-signed certificate (what a test client should do).</summary>
    public RemoteCertificateValidationCallback TrustOwnCertificate => (_, certificate, _, _) =>
        certificate is not null && certificate.GetCertHashString() == Certificate.GetCertHashString();

    public TurnClientOptions Options(IceServerUri uri, string? password = Password) => new(uri, ClientSettings with
    {
        CertificateValidationCallback = uri.Scheme == IceServerScheme.Turns ? TrustOwnCertificate : null,
    })
    {
        Username = User,
        Password = password,
    };

    /// <summary>What a test client uses with this server: TLS trusting exactly its certificate, a
    /// brisk retransmission schedule, a generous allocation timeout (two busy cores).</summary>
    public TurnSettings ClientSettings => new()
    {
        CertificateValidationCallback = TrustOwnCertificate,
        TransactionOptions = new StunTransactionOptions { InitialRto = TimeSpan.FromMilliseconds(200), MaxRequestCount = 5, LastRequestWaitMultiplier = 4 },
        AllocateTimeout = TimeSpan.FromSeconds(20),
    };

    /// <summary>A W3C ICE server entry for <paramref name="uri"/> on this server, with its
    /// credential (or <paramref name="password"/> instead of its password).</summary>
    public RTCIceServer IceServer(IceServerUri uri, string? password = null) =>
        new() { Urls = [uri.ToString()], Username = _settings.User, Credential = password ?? _settings.Password };

    /// <summary>Starts coturn; when a chosen port was taken meanwhile (another test's server), tries new ports.</summary>
    public static async Task<CoturnServer> StartAsync(CoturnSettings? settings = null)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(settings ?? new CoturnSettings());
            }
            catch (PortTakenException) when (attempt < 4)
            {
                // Another process bound one of the ports between our check and coturn's bind.
            }
        }
    }

    private sealed class PortTakenException(string message) : Exception(message);

    private static async Task<CoturnServer> StartOnceAsync(CoturnSettings settings)
    {
        var dir = System.IO.Directory.CreateTempSubdirectory("wrtc-coturn-").FullName;
        await RunAsync(OpenSsl!, dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", "key.pem", "-out", "cert.pem");
        // With a second address coturn also listens on PORT + 1 and TLS_PORT + 1 (RFC 5780's alternate ports).
        var addresses = settings.SecondAddress is { } second ? new[] { IPAddress.Loopback, second } : [IPAddress.Loopback];
        int span = settings.SecondAddress is null ? 1 : 2;
        int port = FreePort(addresses, span), tlsPort = FreePort(addresses, span);
        while (Math.Abs(tlsPort - port) < span) tlsPort = FreePort(addresses, span);
        int relayBase = RelayPortBase();
        var template = File.ReadAllText(Path.Combine(Interop.RepoRoot, "tests", "interop", "coturn", "turnserver.conf.template"));
        var config = template
            .Replace("{{PORT}}", port.ToString())
            .Replace("{{TLS_PORT}}", tlsPort.ToString())
            .Replace("{{MIN_RELAY_PORT}}", relayBase.ToString())
            .Replace("{{MAX_RELAY_PORT}}", (relayBase + Math.Clamp(settings.RelayPorts, 1, 100) - 1).ToString())
            .Replace("{{USER}}", settings.User).Replace("{{PASSWORD}}", settings.Password).Replace("{{REALM}}", RealmName)
            .Replace("{{DIR}}", dir)
            .Replace("{{MAX_LIFETIME}}", settings.MaxAllocateLifetime.ToString())
            .Replace("{{PERMISSION_LIFETIME}}", settings.PermissionLifetime.ToString())
            .Replace("{{CHANNEL_LIFETIME}}", settings.ChannelLifetime.ToString())
            .Replace("{{STALE_NONCE}}", settings.StaleNonce.ToString());
        if (settings.AlternateServer is { } alternate) config += $"alternate-server={alternate}\n";
        if (settings.SecondAddress is { } secondAddress) config += $"listening-ip={secondAddress}\n";
        var configPath = Path.Combine(dir, "turnserver.conf");
        File.WriteAllText(configPath, config);

        var server = new CoturnServer(StartProcess(configPath, dir), settings, dir, port, tlsPort);
        try
        {
            await server.WaitReadyAsync(TimeSpan.FromSeconds(20));
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    private static Process StartProcess(string configPath, string dir)
    {
        var start = new ProcessStartInfo(Binary!, ["-c", configPath])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dir,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("turnserver did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Kills coturn and starts it again on the same ports with the same configuration: a
    /// restarted server, every allocation forgotten. The old log is set aside so readiness is
    /// judged on the new process's lines.</summary>
    public async Task RestartAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
        var log = Path.Combine(Directory, "turnserver.log");
        if (File.Exists(log)) File.Move(log, log + ".before-restart", overwrite: true);
        _process = StartProcess(Path.Combine(Directory, "turnserver.conf"), Directory);
        await WaitReadyAsync(TimeSpan.FromSeconds(20));
    }

    /// <summary>The first of 100 relay ports for coturn, outside the kernel's ephemeral range
    /// (/proc/sys/net/ipv4/ip_local_port_range): there the sockets other tests bind to port 0 would
    /// take coturn's relay ports (and coturn theirs), failing allocations at random.</summary>
    internal static int RelayPortBase()
    {
        int low = 32768, high = 60999; // Linux's default range
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            low = int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
            high = int.Parse(range[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            // Not Linux: keep the default.
        }
        // Blocks of 100 from 10000 below the range, or above it; random, so parallel servers rarely share one.
        var blocks = Enumerable.Range(100, 555).Select(b => b * 100).Where(b => b + 99 < low || b > high).ToArray();
        if (blocks.Length == 0) throw new InvalidOperationException($"no relay ports outside the ephemeral range {low}-{high}");
        return blocks[Random.Shared.Next(blocks.Length)];
    }

    /// <summary>A port free for both UDP and TCP on 127.0.0.1 (coturn listens on both); with
    /// <paramref name="span"/> 2 the next port too, on each of <paramref name="addresses"/>.</summary>
    private static int FreePort(IReadOnlyList<IPAddress>? addresses = null, int span = 1)
    {
        addresses ??= [IPAddress.Loopback];
        for (int i = 0; i < 50; i++)
        {
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            int port = ((IPEndPoint)udp.LocalEndPoint!).Port;
            if (port + span - 1 > 65535) continue;
            var held = new List<Socket>();
            try
            {
                foreach (var address in addresses)
                {
                    for (int p = port; p < port + span; p++)
                    {
                        if (address.Equals(IPAddress.Loopback) && p == port)
                        {
                            held.Add(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
                            held[^1].Bind(new IPEndPoint(address, p));
                            continue;
                        }
                        foreach (var type in new[] { SocketType.Dgram, SocketType.Stream })
                        {
                            held.Add(new Socket(AddressFamily.InterNetwork, type, type == SocketType.Dgram ? ProtocolType.Udp : ProtocolType.Tcp));
                            held[^1].Bind(new IPEndPoint(address, p));
                        }
                    }
                }
                return port;
            }
            catch (SocketException)
            {
                // Taken; try another.
            }
            finally
            {
                foreach (var socket in held) socket.Dispose();
            }
        }
        throw new InvalidOperationException("no free port");
    }

    private async Task WaitReadyAsync(TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var buffer = new byte[1500];
        bool stunReady = false;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"turnserver exited with {_process.ExitCode}: {Log}");
            // Only our own listeners count: a probe answered by another coturn that holds the port would mislead.
            var log = Log;
            if (log.Contains("errno=98")) throw new PortTakenException($"coturn could not bind its ports: {log}");
            if (!log.Contains($"UDP listener opened on: 127.0.0.1:{Port}") || !log.Contains($"TLS/TCP listener opened on : 127.0.0.1:{TlsPort}") ||
                !log.Contains($"TLS/TCP listener opened on : 127.0.0.1:{Port}") ||
                (_settings.SecondAddress is { } second && !log.Contains($"UDP listener opened on: {second}:{Port + 1}")))
            {
                await Task.Delay(20);
                continue;
            }
            if (!stunReady)
            {
                var request = new StunMessageBuilder(StunMessageType.BindingRequest, StunTransactionId.NewId()).ToArray();
                await udp.SendToAsync(request, SocketFlags.None, EndPoint);
                using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
                try
                {
                    var got = await udp.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), wait.Token);
                    stunReady = StunMessage.TryParse(buffer.AsSpan(0, got.ReceivedBytes), out var m) && m.Class == StunClass.SuccessResponse;
                }
                catch (Exception ex) when (ex is OperationCanceledException or SocketException)
                {
                    continue;
                }
            }
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(IPAddress.Loopback, TlsPort);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        throw new TimeoutException($"coturn not ready within {limit}: {Log}");
    }

    private static async Task RunAsync(string program, string dir, params string[] args)
    {
        var start = new ProcessStartInfo(program, args) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', args)}: {await stderr}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
        _process.Dispose();
        Certificate.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}

/// <summary>One coturn shared by a test class (default settings).</summary>
public sealed class CoturnFixture : IAsyncLifetime
{
    internal CoturnServer? Server { get; private set; }
    public string? Unavailable { get; private set; }

    public async Task InitializeAsync()
    {
        if (CoturnServer.Binary is null) Unavailable = "turnserver (coturn) is not on PATH";
        else if (CoturnServer.OpenSsl is null) Unavailable = "openssl is not on PATH";
        else Server = await CoturnServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (Server is not null) await Server.DisposeAsync();
    }

    /// <summary>The server, or skip (fail in CI) when coturn cannot run here.</summary>
    internal CoturnServer Require()
    {
        Interop.Require(Server is not null, Unavailable ?? "coturn did not start");
        return Server!;
    }
}
