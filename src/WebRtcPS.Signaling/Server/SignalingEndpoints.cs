using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace WebRtcPS.Signaling.Server;

/// <summary>The HTTP face of the router: POST /send, GET /receive?id=, GET /health.</summary>
internal sealed class SignalingEndpoints(SignalingRouter router, IMailboxStore store, SignalingServerOptions options, SignalingAccess access, ILogger logger,
    DateTimeOffset startTime, CancellationToken serverStopping)
{
    public async Task SendAsync(HttpContext context)
    {
        var grant = access.Authenticate(context);
        if (!grant.IsAuthenticated)
        {
            await ChallengeAsync(context, grant);
            return;
        }
        var request = context.Request;
        if (request.ContentLength > options.MaxMessageBytes)
        {
            await RejectAsync(context, StatusCodes.Status413PayloadTooLarge, $"body larger than {options.MaxMessageBytes} bytes", null);
            return;
        }

        // Parsed where Kestrel buffered it (one segment for a small body): no copy of the body.
        var reader = request.BodyReader;
        var read = await ReadBodyAsync(reader, options.MaxMessageBytes, context.RequestAborted);
        SendRequestParser.Result parsed;
        try
        {
            if (read.Buffer.Length > options.MaxMessageBytes)
            {
                await RejectAsync(context, StatusCodes.Status413PayloadTooLarge, $"body larger than {options.MaxMessageBytes} bytes", null);
                return;
            }
            parsed = read.Buffer.IsSingleSegment
                ? SendRequestParser.Parse(read.Buffer.FirstSpan, options.MaxIdLength, router.Now)
                : SendRequestParser.Parse(read.Buffer.ToArray(), options.MaxIdLength, router.Now);
        }
        finally
        {
            reader.AdvanceTo(read.Buffer.End);
        }
        if (parsed.Message is null)
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, parsed.Error!, parsed.Field);
            return;
        }

        if (access.CheckSend(grant, parsed.Message.From, parsed.Message.To) is { } denied)
        {
            await ForbidAsync(context, denied.Error, denied.Field);
            return;
        }

        switch (await store.EnqueueAsync(parsed.Message))
        {
            case EnqueueResult.Unavailable:
                context.Response.Headers.RetryAfter = "1";
                await JsonResponse.ErrorAsync(context, StatusCodes.Status503ServiceUnavailable,
                    "the message store (Redis) is unavailable; nothing was accepted, retry later", null, parsed.Message.To);
                return;
            case EnqueueResult.Unknown:
                context.Response.Headers.RetryAfter = "1";
                await JsonResponse.ErrorAsync(context, StatusCodes.Status503ServiceUnavailable,
                    "the message store (Redis) did not answer in time; the message may have been stored (sending it again may deliver it twice)",
                    null, parsed.Message.To);
                return;
            case EnqueueResult.QueueFull:
                context.Response.Headers.RetryAfter = "1";
                await JsonResponse.ErrorAsync(context, StatusCodes.Status429TooManyRequests,
                    $"queue for '{parsed.Message.To}' is full (at most {options.MaxQueuedMessagesPerId} messages, {options.MaxQueuedBytesPerId} bytes); retry later",
                    null, parsed.Message.To);
                return;
            case EnqueueResult.ServerFull:
                context.Response.Headers.RetryAfter = "5";
                await JsonResponse.ErrorAsync(context, StatusCodes.Status503ServiceUnavailable,
                    $"the server's queues are full (at most {options.MaxQueuedBytes} bytes, half of it for ids nobody reads); retry later",
                    null, parsed.Message.To);
                return;
            case EnqueueResult.TooManyIds:
                context.Response.Headers.RetryAfter = "5";
                await JsonResponse.ErrorAsync(context, StatusCodes.Status503ServiceUnavailable,
                    $"the server holds its most ids ({options.MaxIds}); '{parsed.Message.To}' must open /receive first, or retry later",
                    null, parsed.Message.To);
                return;
        }
        await JsonResponse.OkAsync(context);
    }

    public async Task ReceiveAsync(HttpContext context)
    {
        var id = context.Request.Query["id"].ToString();
        if (string.IsNullOrEmpty(id))
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, "missing query parameter 'id'", "id");
            return;
        }
        if (PeerIdRules.Check(id, options.MaxIdLength) is { } bad)
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, $"'id' {bad}", "id");
            return;
        }
        var grant = access.Authenticate(context);
        if (!grant.IsAuthenticated)
        {
            await ChallengeAsync(context, grant);
            return;
        }
        if (SignalingAccess.CheckReceive(grant, id) is { } denied)
        {
            await ForbidAsync(context, denied, "id");
            return;
        }

        var response = context.Response;
        response.ContentType = "application/json";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no"; // reverse proxies must stream, not buffer
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync(context.RequestAborted);
        await response.Body.FlushAsync(context.RequestAborted); // headers now: the client knows it is connected

        using var receiver = new Receiver(id, context.RequestAborted, serverStopping);
        SignalingLog.ReceiverConnected(logger, id, Remote(context));
        try
        {
            await store.ReceiveAsync(receiver, response.Body);
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
            // the client went away mid-write; what it did not get is still queued
        }
        finally
        {
            if (receiver.WasReplaced) SignalingLog.ReceiverReplaced(logger, id);
            else SignalingLog.ReceiverDisconnected(logger, id);
        }
    }

    /// <summary>GET /health; with authentication on, any valid token (it lists the connected ids).</summary>
    public async Task HealthAsync(HttpContext context)
    {
        var grant = access.Authenticate(context);
        if (!grant.IsAuthenticated)
        {
            await ChallengeAsync(context, grant);
            return;
        }
        var health = await store.GetHealthAsync(startTime);
        await JsonResponse.WriteAsync(context, health.Status == "ok" ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable, health);
    }

    private async Task RejectAsync(HttpContext context, int status, string error, string? field)
    {
        router.OnBadRequest();
        SignalingLog.Rejected(logger, context.Request.Method, context.Request.Path, Remote(context), status, error);
        await JsonResponse.ErrorAsync(context, status, error, field);
    }

    private async Task ChallengeAsync(HttpContext context, SignalingAccess.Grant grant)
    {
        router.OnUnauthorized();
        SignalingLog.Unauthorized(logger, context.Request.Method, context.Request.Path, Remote(context), 401, SignalingAccess.Describe(grant));
        await SignalingAccess.ChallengeAsync(context, grant);
    }

    private async Task ForbidAsync(HttpContext context, string error, string field)
    {
        router.OnUnauthorized();
        SignalingLog.Unauthorized(logger, context.Request.Method, context.Request.Path, Remote(context), 403, error);
        await JsonResponse.ErrorAsync(context, StatusCodes.Status403Forbidden, error, field);
    }

    /// <summary>Reads until the body ends or holds more than <paramref name="limit"/> bytes; the caller advances past it.</summary>
    private static async Task<ReadResult> ReadBodyAsync(PipeReader reader, int limit, CancellationToken ct)
    {
        while (true)
        {
            var result = await reader.ReadAsync(ct);
            if (result.IsCompleted || result.IsCanceled || result.Buffer.Length > limit) return result;
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End); // all examined: wait for more
        }
    }

    internal static string Remote(HttpContext context) =>
        $"{context.Connection.RemoteIpAddress}:{context.Connection.RemotePort}";
}
