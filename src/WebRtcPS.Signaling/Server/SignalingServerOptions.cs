using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace WebRtcPS.Signaling.Server;

/// <summary>Configuration of a <see cref="SignalingServer"/>; checked by <see cref="Validate"/> before start.</summary>
public sealed class SignalingServerOptions
{
    /// <summary>TCP port; 0 picks a free one (read the bound port from <see cref="SignalingServer.Port"/>).</summary>
    public int Port { get; set; } = 8080;

    /// <summary>Address to listen on; null listens on every address, IPv6 and IPv4, as the original's <c>:8080</c> did.</summary>
    public IPAddress? ListenAddress { get; set; }

    /// <summary>How often each open /receive stream gets <c>{"type":"heartbeat"}</c>.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most messages held for one id; beyond it /send answers 429.</summary>
    public int MaxQueuedMessagesPerId { get; set; } = 1000;

    /// <summary>Most bytes held for one id; beyond it /send answers 429.</summary>
    public long MaxQueuedBytesPerId { get; set; } = 8 * 1024 * 1024;

    /// <summary>Queued messages older than this are dropped (their addressee never came).</summary>
    public TimeSpan QueuedMessageLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Largest accepted /send body; larger ones get 413.</summary>
    public int MaxMessageBytes { get; set; } = 1024 * 1024;

    /// <summary>Longest accepted peer id (ids are printable text: <see cref="PeerIdRules"/>).</summary>
    public int MaxIdLength { get; set; } = 256;

    // ---- Global limits (a public address: SECURITY.md in this folder) ----

    /// <summary>
    /// Most peer ids the server holds a mailbox for. A /send to a new id beyond it answers 503;
    /// opening /receive is never refused by it (connections are bounded by <see cref="MaxConnections"/>).
    /// </summary>
    public int MaxIds { get; set; } = 10_000;

    /// <summary>
    /// Most bytes queued over all ids; beyond it /send answers 503. Messages for ids nobody is
    /// reading may use at most half of it, so invented ids cannot starve peers that are connected.
    /// </summary>
    public long MaxQueuedBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>Requests per second each client address may make (token bucket); 0 turns the limit off.</summary>
    public int RequestsPerSecondPerAddress { get; set; } = 100;

    /// <summary>Requests a client address may make at once before <see cref="RequestsPerSecondPerAddress"/> applies.</summary>
    public int RequestBurstPerAddress { get; set; } = 200;

    /// <summary>
    /// Rate-limit loopback clients too. Off by default: local tests and benchmarks drive the server
    /// hard from 127.0.0.1, and behind a reverse proxy on this machine every client is loopback.
    /// </summary>
    public bool RateLimitLoopback { get; set; }

    /// <summary>Most simultaneous connections (each /receive stream holds one).</summary>
    public int MaxConnections { get; set; } = 20_000;

    /// <summary>Time a client has to send its request headers (slowloris); Kestrel's default is 30 s.</summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Slowest accepted request body, in bytes per second after a 5 s grace period.</summary>
    public double MinRequestBodyBytesPerSecond { get; set; } = 240;

    /// <summary>Most bytes of request headers (request line excluded).</summary>
    public int MaxRequestHeadersBytes { get; set; } = 16 * 1024;

    /// <summary>
    /// Origins (scheme://host[:port]) browsers may call the server from; a request carrying any other
    /// <c>Origin</c> header is refused with 403. Null allows every origin (<c>*</c>), as before.
    /// </summary>
    public IReadOnlyList<string>? AllowedOrigins { get; set; }

    // ---- Several instances (README "Mailbox stores") ----

    /// <summary>
    /// Keep the mailboxes in this Redis instead of in memory, shared by every server pointed at it:
    /// <c>host:port</c>, a StackExchange.Redis configuration string (<c>host:6380,password=…,ssl=true</c>)
    /// or <c>redis://[user:]password@host:port</c> (<c>rediss://</c> for TLS). Null: in memory (the default).
    /// </summary>
    public string? Redis { get; set; }

    // ---- Authentication and TLS ----

    /// <summary>
    /// One bearer token for everything: when set (or <see cref="IdTokens"/> is), every request but
    /// CORS preflight needs <c>Authorization: Bearer TOKEN</c>. Compared by SHA-256 hash in constant time; never logged.
    /// </summary>
    public string? AccessToken { get; set; }

    /// <summary>
    /// Per-id bearer tokens (id → token): a token's holder may /receive as its id, send with that
    /// id as <c>from</c>, and only to ids in this table. One token may be given to several ids.
    /// </summary>
    public IReadOnlyDictionary<string, string>? IdTokens { get; set; }

    /// <summary>Serve HTTPS with this certificate (it needs its private key); plain HTTP when null.</summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>Checks every limit is in range.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public void Validate()
    {
        static void Check(bool ok, string message, string name)
        {
            if (!ok) throw new ArgumentOutOfRangeException(name, message);
        }
        Check(Port is >= 0 and <= 65535, "Port must be 0..65535.", nameof(Port));
        Check(HeartbeatInterval > TimeSpan.Zero, "HeartbeatInterval must be positive.", nameof(HeartbeatInterval));
        Check(MaxQueuedMessagesPerId > 0, "MaxQueuedMessagesPerId must be positive.", nameof(MaxQueuedMessagesPerId));
        Check(MaxQueuedBytesPerId > 0, "MaxQueuedBytesPerId must be positive.", nameof(MaxQueuedBytesPerId));
        Check(QueuedMessageLifetime > TimeSpan.Zero, "QueuedMessageLifetime must be positive.", nameof(QueuedMessageLifetime));
        Check(MaxMessageBytes >= 256, "MaxMessageBytes must be at least 256.", nameof(MaxMessageBytes));
        Check(MaxIdLength > 0, "MaxIdLength must be positive.", nameof(MaxIdLength));
        Check(MaxIds > 0, "MaxIds must be positive.", nameof(MaxIds));
        Check(MaxQueuedBytes >= MaxMessageBytes, "MaxQueuedBytes must be at least MaxMessageBytes.", nameof(MaxQueuedBytes));
        Check(RequestsPerSecondPerAddress >= 0, "RequestsPerSecondPerAddress must not be negative.", nameof(RequestsPerSecondPerAddress));
        Check(RequestBurstPerAddress > 0, "RequestBurstPerAddress must be positive.", nameof(RequestBurstPerAddress));
        Check(MaxConnections > 0, "MaxConnections must be positive.", nameof(MaxConnections));
        Check(RequestHeadersTimeout > TimeSpan.Zero, "RequestHeadersTimeout must be positive.", nameof(RequestHeadersTimeout));
        Check(MinRequestBodyBytesPerSecond >= 0, "MinRequestBodyBytesPerSecond must not be negative.", nameof(MinRequestBodyBytesPerSecond));
        Check(MaxRequestHeadersBytes >= 1024, "MaxRequestHeadersBytes must be at least 1024.", nameof(MaxRequestHeadersBytes));
        Check(AccessToken is null || AccessToken.Length > 0, "AccessToken must not be empty.", nameof(AccessToken));
        if (IdTokens is not null)
        {
            foreach (var (id, token) in IdTokens)
            {
                Check(PeerIdRules.Check(id, MaxIdLength) is null, $"IdTokens: '{id}' is not a valid peer id.", nameof(IdTokens));
                Check(!string.IsNullOrEmpty(token), $"IdTokens: the token of '{id}' is empty.", nameof(IdTokens));
            }
        }
        if (AllowedOrigins is not null)
        {
            foreach (var origin in AllowedOrigins)
                Check(SignalingCors.IsOrigin(origin), $"AllowedOrigins: '{origin}' is not scheme://host[:port].", nameof(AllowedOrigins));
        }
        if (Redis is not null)
        {
            try
            {
                _ = WebRtcPS.Signaling.Server.Redis.RedisConfiguration.Parse(Redis);
            }
            catch (Exception e) when (e is ArgumentException or FormatException or UriFormatException or NotSupportedException)
            {
                throw new ArgumentException($"Redis: '{Redis}' is not host:port, a configuration string or a redis:// URI ({e.Message}).", nameof(Redis), e);
            }
        }
        Check(Certificate is null || Certificate.HasPrivateKey, "Certificate has no private key.", nameof(Certificate));
    }
}
