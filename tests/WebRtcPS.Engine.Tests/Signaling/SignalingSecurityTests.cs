using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using WebRtcPS.Engine.Tests.TestInfrastructure;
using WebRtcPS.Signaling;
using WebRtcPS.Signaling.Client;
using WebRtcPS.Signaling.Server;

namespace WebRtcPS.Engine.Tests.Signaling;

/// <summary>Authentication (bearer tokens), HTTPS with pinning, and the CORS origin list.</summary>
public class SignalingSecurityTests
{
    private const string Token = "global-secret-0123456789";
    private const string AliceToken = "alice-secret-abcdef";
    private const string BobToken = "bob-secret-uvwxyz";

    private static HttpRequestMessage Post(string from, string to, string content, string? token = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "send")
        {
            Content = JsonContent.Create(new SignalingMessage { Type = "offer", From = from, To = to, Content = content }),
        };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private static HttpRequestMessage Get(string path, string? token = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private static async Task<(HttpStatusCode Status, string Error, string? Field)> SendAsync(ServerHarness h, HttpRequestMessage request)
    {
        using (request)
        using (var response = await h.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            if (response.StatusCode == HttpStatusCode.OK) return (response.StatusCode, "", null);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            var json = await ServerHarness.JsonAsync(response);
            if (response.StatusCode == HttpStatusCode.Unauthorized) Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString());
            return (response.StatusCode, json.GetProperty("error").GetString()!,
                json.TryGetProperty("field", out var f) ? f.GetString() : null);
        }
    }

    [Fact]
    public async Task AnAccessTokenIsRequiredOnEveryEndpointAndTheRightOneWorks()
    {
        await using var h = await ServerHarness.StartAsync(o => o.AccessToken = Token);
        Assert.True(h.Server.RequiresAuthentication);

        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(h, Post("a", "b", "x"))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(h, Post("a", "b", "x", "wrong"))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(h, Get("receive?id=b"))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(h, Get("receive?id=b", Token + "x"))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(h, Get("health"))).Status);
        Assert.Equal(0, h.Server.GetHealth().QueuedMessages); // nothing refused was routed

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(h, Get("health", Token))).Status);
        using var a = new SignalingClient(h.Server.Url, "a", new SignalingClientOptions { AccessToken = Token });
        using var b = new SignalingClient(h.Server.Url, "b", new SignalingClientOptions { AccessToken = Token });
        await a.SendAsync("b", "offer", "sdp");
        await foreach (var m in b.ReceiveAsync().WithCancellation(new CancellationTokenSource(ServerHarness.Patience).Token))
        {
            Assert.Equal(("offer", "sdp", "a"), (m.Type, m.Content, m.From));
            break;
        }
        Assert.Equal(5, h.Server.GetHealth().Counts.Unauthorized);
    }

    [Fact]
    public async Task AClientWithoutTheTokenGetsASignalingExceptionNaming401()
    {
        await using var h = await ServerHarness.StartAsync(o => o.AccessToken = Token);
        using var client = new SignalingClient(h.Server.Url, "a");
        var ex = await Assert.ThrowsAsync<SignalingException>(() => client.SendAsync("b", "offer", "x"));
        Assert.Equal(401, ex.StatusCode);
        var receiving = Assert.ThrowsAsync<SignalingException>(async () => { await foreach (var _ in client.ReceiveAsync()) { } });
        Assert.Equal(401, (await receiving.WaitAsync(ServerHarness.Patience)).StatusCode);
    }

    [Fact]
    public async Task PerIdTokensHoldOnlyTheirIds()
    {
        await using var h = await ServerHarness.StartAsync(o => o.IdTokens = new Dictionary<string, string>
        {
            ["alice"] = AliceToken,
            ["bob"] = BobToken,
        });

        // Receive only as a held id.
        var refused = await SendAsync(h, Get("receive?id=bob", AliceToken));
        Assert.Equal((HttpStatusCode.Forbidden, "id"), (refused.Status, refused.Field));
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(h, Get("receive?id=alice"))).Status);

        // Send only as a held id, only to an id the server has a token for.
        refused = await SendAsync(h, Post("bob", "alice", "forged", AliceToken));
        Assert.Equal((HttpStatusCode.Forbidden, "from"), (refused.Status, refused.Field));
        refused = await SendAsync(h, Post("alice", "mallory", "x", AliceToken));
        Assert.Equal((HttpStatusCode.Forbidden, "to"), (refused.Status, refused.Field));
        refused = await SendAsync(h, Post("", "bob", "anonymous", AliceToken));
        Assert.Equal((HttpStatusCode.Forbidden, "from"), (refused.Status, refused.Field));
        Assert.Equal(0, h.Server.GetHealth().QueuedMessages);

        await using var bob = await OpenAsync(h, "bob", BobToken);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(h, Post("alice", "bob", "hello", AliceToken))).Status);
        var m = await bob.NextAsync();
        Assert.Equal(("alice", "hello"), (m.From, m.Content));
        Assert.Empty(bob.Drain());
    }

    [Fact]
    public async Task TokensNeverReachTheLog()
    {
        var entries = new ListLogger();
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new ListLoggerProvider(entries)));
        var options = new SignalingServerOptions
        {
            Port = 0,
            ListenAddress = IPAddress.Loopback,
            AccessToken = Token,
            IdTokens = new Dictionary<string, string> { ["alice"] = AliceToken, ["bob"] = BobToken },
        };
        await using (var server = await SignalingServer.StartAsync(options, factory))
        {
            using var http = new HttpClient { BaseAddress = server.Url };
            foreach (var token in new[] { Token, AliceToken, BobToken, "guessed-" + Token, null })
            {
                using var send = Post("alice", "bob", "x", token);
                (await http.SendAsync(send)).Dispose();
                using var receive = Get("receive?id=carol", token);
                using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
                try { (await http.SendAsync(receive, HttpCompletionOption.ResponseHeadersRead, cts.Token)).Dispose(); }
                catch (OperationCanceledException) { }
            }
        }
        var log = entries.Entries;
        Assert.Contains(log, e => e.Message.Contains("401", StringComparison.Ordinal));
        Assert.Contains(log, e => e.Message.Contains("403", StringComparison.Ordinal));
        foreach (var secret in new[] { Token, AliceToken, BobToken, "secret" })
            Assert.DoesNotContain(log, e => e.Message.Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task HttpsWithASelfSignedCertificateIsTrustedByPinOrSkipOnly()
    {
        using var certificate = SignalingCertificates.CreateSelfSigned();
        var thumbprint = SignalingCertificates.Sha256Thumbprint(certificate);
        await using var h = await ServerHarness.StartAsync(o => o.Certificate = certificate);
        Assert.Equal("https", h.Server.Url.Scheme);
        Assert.Equal(thumbprint, h.Server.CertificateThumbprint);
        Assert.Equal(64, thumbprint.Length);

        using (var pinned = new SignalingClient(h.Server.Url, "a", new SignalingClientOptions { CertificateThumbprint = string.Join(':', thumbprint.Chunk(2).Select(c => new string(c))).ToLowerInvariant() }))
            await pinned.SendAsync("b", "offer", "pinned");
        using (var skipping = new SignalingClient(h.Server.Url, "a", new SignalingClientOptions { SkipCertificateCheck = true }))
            await skipping.SendAsync("b", "offer", "skipped");

        using (var system = new SignalingClient(h.Server.Url, "a")) // the system store does not know it
            await Assert.ThrowsAsync<SignalingException>(() => system.SendAsync("b", "offer", "x"));
        using (var wrongPin = new SignalingClient(h.Server.Url, "a", new SignalingClientOptions { CertificateThumbprint = new string('A', 64) }))
            await Assert.ThrowsAsync<SignalingException>(() => wrongPin.SendAsync("b", "offer", "x"));
        Assert.Equal(2, h.Server.GetHealth().QueuedMessages);
    }

    [Fact]
    public async Task CertificatesLoadFromPfxAndPem()
    {
        using var made = SignalingCertificates.CreateSelfSigned(["signal.example"]);
        var dir = Directory.CreateTempSubdirectory("wrtc-cert-");
        try
        {
            var pfx = Path.Combine(dir.FullName, "server.pfx");
            await File.WriteAllBytesAsync(pfx, made.Export(X509ContentType.Pkcs12, "pw"));
            var pem = Path.Combine(dir.FullName, "server.pem");
            var key = Path.Combine(dir.FullName, "server.key");
            await File.WriteAllTextAsync(pem, made.ExportCertificatePem());
            await File.WriteAllTextAsync(key, made.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());

            using var fromPfx = SignalingCertificates.Load(pfx, password: "pw");
            using var fromPem = SignalingCertificates.Load(pem, key);
            Assert.Equal(made.Thumbprint, fromPfx.Thumbprint);
            Assert.Equal(made.Thumbprint, fromPem.Thumbprint);
            Assert.True(fromPem.HasPrivateKey);
            Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => SignalingCertificates.Load(key));

            await using var h = await ServerHarness.StartAsync(o => o.Certificate = fromPem);
            using var client = new SignalingClient(h.Server.Url, "a", new SignalingClientOptions { CertificateThumbprint = made.GetCertHashString() }); // SHA-1 pin
            await client.SendAsync("b", "offer", "x");
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public async Task CrossOriginRequestsAreRefusedUnlessTheOriginIsListed()
    {
        await using var h = await ServerHarness.StartAsync(o => o.AllowedOrigins = ["https://good.example", "http://127.0.0.1:8000"]);

        using (var evil = Post("a", "b", "from evil"))
        {
            evil.Headers.Add("Origin", "https://evil.example");
            using var response = await h.Http.SendAsync(evil);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("origin", (await ServerHarness.JsonAsync(response)).GetProperty("field").GetString());
            Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        }
        using (var evilPreflight = new HttpRequestMessage(HttpMethod.Options, "send"))
        {
            evilPreflight.Headers.Add("Origin", "null");
            using var response = await h.Http.SendAsync(evilPreflight);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
        Assert.Equal(0, h.Server.GetHealth().QueuedMessages);

        using (var preflight = new HttpRequestMessage(HttpMethod.Options, "send"))
        {
            preflight.Headers.Add("Origin", "https://GOOD.example");
            preflight.Headers.Add("Access-Control-Request-Headers", "authorization, content-type");
            using var response = await h.Http.SendAsync(preflight);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            Assert.Equal("https://GOOD.example", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
            Assert.Contains("Authorization", response.Headers.GetValues("Access-Control-Allow-Headers").Single());
        }
        using (var good = Post("a", "b", "from good"))
        {
            good.Headers.Add("Origin", "http://127.0.0.1:8000");
            using var response = await h.Http.SendAsync(good);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        await h.SendOkAsync("offer", "a", "b", "no origin: not a browser");
        Assert.Equal(2, h.Server.GetHealth().QueuedMessages);
    }

    [Fact]
    public async Task WithoutAnOriginListEveryOriginIsAllowedAsBefore()
    {
        await using var h = await ServerHarness.StartAsync();
        using var request = Post("a", "b", "x");
        request.Headers.Add("Origin", "https://anywhere.example");
        using var response = await h.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(h.Server.RequiresAuthentication);
    }

    private static async Task<ReceiveStream> OpenAsync(ServerHarness h, string id, string token)
    {
        var request = Get($"receive?id={id}", token);
        var response = await h.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        return new ReceiveStream(response, await response.Content.ReadAsStreamAsync());
    }

    private sealed class ListLoggerProvider(ListLogger logger) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => logger;
        public void Dispose() { }
    }
}
