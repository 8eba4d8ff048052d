using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WebRtcPS.Signaling.Logging;

namespace WebRtcPS.Signaling.Server;

/// <summary>
/// The signaling server, wire-compatible with the original Go tool's: POST /send, a streamed
/// GET /receive?id=, plus GET /health and the browser peer page GET /peer. Hosted on Kestrel inside the calling process.
/// </summary>
public sealed class SignalingServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SignalingRouter _router;
    private readonly IMailboxStore _store;
    private readonly CancellationTokenSource _stopping;
    private readonly ILogger _logger;
    private int _stopped;

    private SignalingServer(WebApplication app, SignalingRouter router, IMailboxStore store, CancellationTokenSource stopping, ILogger logger,
        SignalingServerOptions options, DateTimeOffset startTime)
    {
        _app = app;
        _router = router;
        _store = store;
        _stopping = stopping;
        _logger = logger;
        Options = options;
        StartTime = startTime;
    }

    /// <summary>The options it was started with.</summary>
    public SignalingServerOptions Options { get; }
    /// <summary>When it started.</summary>
    public DateTimeOffset StartTime { get; }
    /// <summary>The port listened on (the bound one when 0 was asked).</summary>
    public int Port { get; private set; }

    /// <summary>The address listened on; <see cref="IPAddress.IPv6Any"/> for "every address".</summary>
    public IPAddress ListenAddress { get; private set; } = IPAddress.IPv6Any;

    /// <summary>A URL that reaches the server from this machine (loopback when listening on every address).</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>The SHA-256 fingerprint of the HTTPS certificate (64 hex digits); null when serving plain HTTP.</summary>
    public string? CertificateThumbprint => Options.Certificate is { } c ? SignalingCertificates.Sha256Thumbprint(c) : null;

    /// <summary>True when requests need a bearer token (<see cref="SignalingServerOptions.AccessToken"/> or <see cref="SignalingServerOptions.IdTokens"/>).</summary>
    public bool RequiresAuthentication => Options.AccessToken is not null || Options.IdTokens is { Count: > 0 };

    /// <summary>The browser peer page (GET /peer) at <see cref="Url"/>; add <c>?role=answerer</c> or <c>?role=offerer</c>.</summary>
    public Uri PageUrl => new(Url, PeerPage.Path.TrimStart('/'));

    /// <summary>False once stopping has begun.</summary>
    public bool IsRunning => Volatile.Read(ref _stopped) == 0;

    /// <summary>Completes when the server has stopped.</summary>
    public Task Completion => _completion.Task;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>What GET /health would answer now.</summary>
    public SignalingHealth GetHealth() => _store.GetHealthAsync(StartTime).GetAwaiter().GetResult();

    /// <summary>What GET /health would answer now (with a Redis store, asks Redis).</summary>
    public Task<SignalingHealth> GetHealthAsync() => _store.GetHealthAsync(StartTime);

    /// <summary>
    /// Starts a server that logs into <paramref name="log"/> (for a host that must not see
    /// Microsoft.Extensions.Logging, like the module's cmdlets); the caller disposes the queue
    /// after the server stops.
    /// </summary>
    public static Task<SignalingServer> StartAsync(SignalingServerOptions options, LogQueue log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        return StartAsync(options, log.Factory, cancellationToken);
    }

    /// <summary>Starts a Kestrel server with the /send, /receive and /health endpoints and returns once it listens.</summary>
    /// <param name="options">Address, port, queue limits (validated here).</param>
    /// <param name="loggerFactory">Where the server logs; nothing when null.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<SignalingServer> StartAsync(SignalingServerOptions options, ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        loggerFactory ??= NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger("WebRtcPS.Signaling");
        var time = TimeProvider.System;

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.Services.AddRoutingCore();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => SignalingKestrel.Configure(k, options))
            .UseSockets(s => SignalingKestrel.Configure(s, options));
        var router = new SignalingRouter(options, logger, time);
        IMailboxStore store = options.Redis is null ? new MemoryMailboxStore(router, options)
            : await Redis.RedisMailboxStore.ConnectAsync(options, router, logger, time);
        if (SignalingRateLimit.IsEnabled(options)) SignalingRateLimit.Add(builder.Services, options, router, logger);

        var app = builder.Build();
        var stopping = CancellationTokenSource.CreateLinkedTokenSource(app.Lifetime.ApplicationStopping);
        var startTime = time.GetUtcNow();
        var endpoints = new SignalingEndpoints(router, store, options, new SignalingAccess(options), logger, startTime, stopping.Token);

        // Only requests the limiter would limit go through it: for the others (loopback, unless
        // RateLimitLoopback) it would pick its no-limit partition under its one global lock.
        if (SignalingRateLimit.IsEnabled(options)) app.UseWhen(context => SignalingRateLimit.Applies(options, context), branch => branch.UseRateLimiter());
        // Browsers (a test page) may call the server from another origin: the configured ones.
        app.Use(new SignalingCors(options, router, logger).InvokeAsync);
        app.UseRouting();
        app.MapPost("/send", endpoints.SendAsync);
        app.MapGet("/receive", endpoints.ReceiveAsync);
        app.MapGet("/health", endpoints.HealthAsync);
        app.MapGet(PeerPage.Path, PeerPage.ServeHtmlAsync);
        app.MapGet(PeerPage.Path + ".js", PeerPage.ServeScriptAsync);

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            router.Dispose();
            await store.DisposeAsync();
            stopping.Dispose();
            await app.DisposeAsync();
            throw;
        }

        var server = new SignalingServer(app, router, store, stopping, logger, options, startTime);
        server.ReadBoundAddress();
        SignalingLog.Listening(logger, server.Url.ToString());
        if (server.CertificateThumbprint is { } thumbprint) SignalingLog.CertificateInUse(logger, thumbprint);
        return server;
    }

    private void ReadBoundAddress()
    {
        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        // Kestrel reports e.g. "http://[::]:43127" or "http://127.0.0.1:43127".
        var bound = new Uri(addresses.First().Replace("//+:", "//[::]:").Replace("//*:", "//[::]:"));
        Port = bound.Port;
        ListenAddress = Options.ListenAddress ?? IPAddress.IPv6Any;
        var host = ListenAddress.Equals(IPAddress.Any) ? "127.0.0.1"
            : ListenAddress.Equals(IPAddress.IPv6Any) ? "127.0.0.1"
            : ListenAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{ListenAddress}]"
            : ListenAddress.ToString();
        Url = new Uri($"{(Options.Certificate is null ? "http" : "https")}://{host}:{Port}/");
    }

    /// <summary>Ends every stream and stops listening. Idempotent.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            await Completion;
            return;
        }
        try
        {
            _stopping.Cancel();
            await _app.StopAsync(cancellationToken);
        }
        finally
        {
            _router.Dispose();
            await _store.DisposeAsync();
            await _app.DisposeAsync();
            _stopping.Dispose();
            SignalingLog.Stopped(_logger, DateTimeOffset.UtcNow - StartTime);
            _completion.TrySetResult();
        }
    }

    /// <summary>Stops the server (<see cref="StopAsync"/>).</summary>
    public async ValueTask DisposeAsync() => await StopAsync();
}
