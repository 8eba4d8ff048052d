using Microsoft.AspNetCore.Http;

namespace WebRtcPS.Signaling.Server;

/// <summary>
/// The server's CORS answer (Fetch standard, CORS protocol): "*" for any origin, or the request's
/// Origin echoed when it is in the list, or nothing at all.
/// </summary>
internal sealed class CorsPolicy(IEnumerable<string> origins)
{
    private readonly bool _any = origins.Contains("*");
    private readonly HashSet<string> _allowed = origins.Where(o => o != "*").Select(o => o.TrimEnd('/'))
        .ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Adds the CORS headers the request earns; true when it is a CORS request that may proceed.</summary>
    public bool Apply(HttpContext context)
    {
        var headers = context.Response.Headers;
        if (_any) headers.AccessControlAllowOrigin = "*";
        else if (_allowed.Count > 0)
        {
            headers.Vary = "Origin";
            var origin = context.Request.Headers.Origin.ToString();
            if (origin.Length == 0 || !_allowed.Contains(origin)) return false;
            headers.AccessControlAllowOrigin = origin;
        }
        else return false;

        if (HttpMethods.IsOptions(context.Request.Method))
        {
            headers.AccessControlAllowMethods = "GET, POST, OPTIONS";
            headers.AccessControlAllowHeaders = "Content-Type";
        }
        return true;
    }
}
