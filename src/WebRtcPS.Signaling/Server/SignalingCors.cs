using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace WebRtcPS.Signaling.Server;

/// <summary>
/// Cross-origin access for browser pages (Fetch standard, CORS protocol). Without an origin list
/// every origin may call (<c>*</c>, as the server always did). With one, a request whose
/// <c>Origin</c> is not listed is refused with 403 before it does anything: a browser would only
/// hide the answer from the page, while a simple POST /send would already have been routed.
/// Requests without <c>Origin</c> (non-browser clients) and from the server's own origin are not affected.
/// </summary>
internal sealed class SignalingCors(SignalingServerOptions options, SignalingRouter router, ILogger logger)
{
    private readonly HashSet<string>? _allowed = options.AllowedOrigins?.Select(Normalize).ToHashSet(StringComparer.Ordinal);

    /// <summary>True for scheme://host[:port] with an http(s) scheme and nothing after the authority.</summary>
    public static bool IsOrigin(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
        && uri.PathAndQuery == "/" && uri.Fragment.Length == 0 && !value.Contains('?');

    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        // Every origin allowed (the default): one header, no async frame of our own on the /send path.
        if (_allowed is null && !HttpMethods.IsOptions(context.Request.Method))
        {
            context.Response.Headers.AccessControlAllowOrigin = "*";
            return next(context);
        }
        return CheckAsync(context, next);
    }

    private async Task CheckAsync(HttpContext context, RequestDelegate next)
    {
        var headers = context.Response.Headers;
        var origin = context.Request.Headers.Origin.ToString();
        if (_allowed is null)
        {
            headers.AccessControlAllowOrigin = "*";
        }
        else if (origin.Length > 0)
        {
            if (!IsOrigin(origin) || !(_allowed.Contains(Normalize(origin)) || IsSameOrigin(context, origin)))
            {
                router.OnUnauthorized();
                SignalingLog.OriginRefused(logger, context.Request.Method, context.Request.Path, SignalingEndpoints.Remote(context), origin);
                await JsonResponse.ErrorAsync(context, StatusCodes.Status403Forbidden, $"origin '{origin}' is not allowed", "origin");
                return;
            }
            headers.AccessControlAllowOrigin = origin;
            headers.Vary = "Origin";
        }

        if (HttpMethods.IsOptions(context.Request.Method))
        {
            headers.AccessControlAllowMethods = "GET, POST, OPTIONS";
            headers.AccessControlAllowHeaders = "Content-Type, Authorization";
            headers.AccessControlMaxAge = "600";
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }
        await next(context);
    }

    // A page served by this server (same origin) is not cross-origin, though browsers send Origin on its POSTs.
    private static bool IsSameOrigin(HttpContext context, string origin) =>
        Uri.TryCreate($"{context.Request.Scheme}://{context.Request.Host.Value}", UriKind.Absolute, out var self) // Host is the client's word: may be anything
        && self.GetLeftPart(UriPartial.Authority).Equals(Normalize(origin), StringComparison.OrdinalIgnoreCase);

    private static string Normalize(string origin) => new Uri(origin).GetLeftPart(UriPartial.Authority).ToLowerInvariant();
}
