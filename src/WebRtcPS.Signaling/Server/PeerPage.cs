using Microsoft.AspNetCore.Http;

namespace WebRtcPS.Signaling.Server;

/// <summary>
/// GET /peer and /peer.js: a page that runs the browser's own RTCPeerConnection against this
/// server (same origin, so it needs no CORS), for testing any browser with nothing installed.
/// Settings come from its query string (role, id, remoteId, label, ice, username, credential,
/// relayOnly, echo, ordered, maxRetransmits, maxPacketLifeTime).
/// </summary>
internal static class PeerPage
{
    /// <summary>The page's path on the server.</summary>
    public const string Path = "/peer";

    private static readonly byte[] Html = Load("peer.html");
    private static readonly byte[] Script = Load("peer.js");

    // Only this server's own page and script; fetch() back to the same origin.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'";

    public static Task ServeHtmlAsync(HttpContext context) => ServeAsync(context, Html, "text/html; charset=utf-8");

    public static Task ServeScriptAsync(HttpContext context) => ServeAsync(context, Script, "text/javascript; charset=utf-8");

    private static Task ServeAsync(HttpContext context, byte[] body, string contentType)
    {
        var response = context.Response;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        response.Headers.CacheControl = "no-cache";
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        return response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    private static byte[] Load(string name)
    {
        using var stream = typeof(PeerPage).Assembly.GetManifestResourceStream($"WebRtcPS.Signaling.PeerPage.{name}")
            ?? throw new InvalidOperationException($"embedded resource PeerPage/{name} missing");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
