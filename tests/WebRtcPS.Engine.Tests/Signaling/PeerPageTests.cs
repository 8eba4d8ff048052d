using System.Net;
using WebRtcPS.Signaling.Server;

namespace WebRtcPS.Engine.Tests.Signaling;

/// <summary>GET /peer and /peer.js (the browser peer page) and the configurable CORS answer.</summary>
public class PeerPageTests
{
    [Fact]
    public async Task ThePageAndItsScriptAreServedFromTheServersOwnOrigin()
    {
        await using var harness = await ServerHarness.StartAsync();
        Assert.Equal(new Uri(harness.Server.Url, "peer"), harness.Server.PageUrl);

        using var page = await harness.Http.GetAsync("peer?role=answerer");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<script src=\"peer.js\"></script>", html);
        Assert.Contains("connect-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single());

        using var script = await harness.Http.GetAsync("peer.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType!.MediaType);
        var js = await script.Content.ReadAsStringAsync();
        // The seed's wire protocol: POST send, streamed GET receive?id=, heartbeats ignored.
        Assert.Contains("new URL('send', base)", js);
        Assert.Contains("receive?id=", js);
        Assert.Contains("getReader()", js);
        Assert.Contains("'heartbeat'", js);
    }

    [Fact]
    public async Task AnyOriginIsAllowedByDefault()
    {
        await using var harness = await ServerHarness.StartAsync();
        using var preflight = await PreflightAsync(harness, "https://elsewhere.test");
        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.Equal("*", preflight.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task AListOfOriginsAllowsOnlyThose()
    {
        await using var harness = await ServerHarness.StartAsync(o => o.AllowedOrigins = ["https://tests.example:8443"]);
        using var allowed = await PreflightAsync(harness, "https://tests.example:8443");
        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.Equal("https://tests.example:8443", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());

        using var other = await PreflightAsync(harness, "https://elsewhere.test");
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task AnEmptyListRefusesEveryOtherOriginButThePageStillWorks()
    {
        await using var harness = await ServerHarness.StartAsync(o => o.AllowedOrigins = []);
        using var preflight = await PreflightAsync(harness, "https://elsewhere.test");
        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"));
        using var page = await harness.Http.GetAsync("peer");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Theory]
    [InlineData("elsewhere.test")]
    [InlineData("https://elsewhere.test/path")]
    [InlineData("ftp://elsewhere.test")]
    public void AnOriginThatIsNotOneIsRefused(string origin)
    {
        var options = new SignalingServerOptions { AllowedOrigins = [origin] };
        Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
    }

    private static Task<HttpResponseMessage> PreflightAsync(ServerHarness harness, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "send");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        return harness.Http.SendAsync(request);
    }
}
