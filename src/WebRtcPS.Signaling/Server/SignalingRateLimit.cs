using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WebRtcPS.Signaling.Server;

/// <summary>
/// The per-client-address request rate, on ASP.NET Core's rate-limiting middleware: one token
/// bucket per address (IPv6: per /64, what one subscriber usually gets), refills of
/// <see cref="SignalingServerOptions.RequestsPerSecondPerAddress"/> each second up to
/// <see cref="SignalingServerOptions.RequestBurstPerAddress"/>; refusals are 429 with JSON.
/// </summary>
internal static class SignalingRateLimit
{
    public static bool IsEnabled(SignalingServerOptions options) => options.RequestsPerSecondPerAddress > 0;

    /// <summary>Whether a request from this client is limited at all (loopback is not, unless <see cref="SignalingServerOptions.RateLimitLoopback"/>).</summary>
    public static bool Applies(SignalingServerOptions options, HttpContext context) =>
        context.Connection.RemoteIpAddress is { } address && (options.RateLimitLoopback || !IPAddress.IsLoopback(address));

    public static void Add(IServiceCollection services, SignalingServerOptions options, SignalingRouter router, ILogger logger)
    {
        var log = new LogThrottle(TimeProvider.System);
        services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (!Applies(options, context)) return RateLimitPartition.GetNoLimiter("");
                return RateLimitPartition.GetTokenBucketLimiter(PartitionKey(context.Connection.RemoteIpAddress!), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = options.RequestBurstPerAddress,
                    TokensPerPeriod = options.RequestsPerSecondPerAddress,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (rejected, ct) =>
            {
                var context = rejected.HttpContext;
                router.OnRateLimited();
                if (log.ShouldLog(out var suppressed))
                    SignalingLog.RateLimited(logger, context.Request.Method, context.Request.Path, SignalingEndpoints.Remote(context),
                        options.RequestsPerSecondPerAddress, suppressed);
                context.Response.Headers.RetryAfter = "1";
                return new ValueTask(JsonResponse.ErrorAsync(context, StatusCodes.Status429TooManyRequests,
                    $"more than {options.RequestsPerSecondPerAddress} requests per second from this address; retry later"));
            };
        });
    }

    /// <summary>IPv4 (also IPv4-mapped) per address; IPv6 per /64 prefix.</summary>
    internal static string PartitionKey(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
