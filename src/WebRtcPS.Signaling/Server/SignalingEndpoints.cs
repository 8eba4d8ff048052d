using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace WebRtcPS.Signaling.Server;

/// <summary>The HTTP face of the router: POST /send, GET /receive?id=, GET /health.</summary>
internal sealed class SignalingEndpoints(SignalingRouter router, SignalingServerOptions options, ILogger logger,
    DateTimeOffset startTime, CancellationToken serverStopping)
{
    private static readonly byte[] HeartbeatPayload = "{\"type\":\"heartbeat\"}\n"u8.ToArray();

    public async Task SendAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentLength > options.MaxMessageBytes)
        {
            await RejectAsync(context, StatusCodes.Status413PayloadTooLarge, $"body larger than {options.MaxMessageBytes} bytes", null);
            return;
        }

        var body = await ReadBodyAsync(request, options.MaxMessageBytes + 1, context.RequestAborted);
        if (body.Length > options.MaxMessageBytes)
        {
            await RejectAsync(context, StatusCodes.Status413PayloadTooLarge, $"body larger than {options.MaxMessageBytes} bytes", null);
            return;
        }

        var parsed = SendRequestParser.Parse(body, options.MaxIdLength, router.Now);
        if (parsed.Message is null)
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, parsed.Error!, parsed.Field);
            return;
        }

        if (router.Enqueue(parsed.Message) == EnqueueResult.QueueFull)
        {
            context.Response.Headers.RetryAfter = "1";
            await WriteJsonAsync(context, StatusCodes.Status429TooManyRequests, new ErrorBody(
                $"queue for '{parsed.Message.To}' is full (at most {options.MaxQueuedMessagesPerId} messages, {options.MaxQueuedBytesPerId} bytes); retry later",
                null, parsed.Message.To));
            return;
        }
        await WriteJsonAsync(context, StatusCodes.Status200OK, new { status = "ok" });
    }

    public async Task ReceiveAsync(HttpContext context)
    {
        var id = context.Request.Query["id"].ToString();
        if (string.IsNullOrEmpty(id))
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, "missing query parameter 'id'", "id");
            return;
        }
        if (id.Length > options.MaxIdLength)
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, $"'id' is longer than {options.MaxIdLength} characters", "id");
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
        var mailbox = router.Attach(receiver);
        SignalingLog.ReceiverConnected(logger, id, Remote(context));
        try
        {
            await StreamAsync(response.Body, mailbox, receiver);
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
            mailbox.Detach(receiver);
            if (receiver.WasReplaced) SignalingLog.ReceiverReplaced(logger, id);
            else SignalingLog.ReceiverDisconnected(logger, id);
        }
    }

    private async Task StreamAsync(Stream body, Mailbox mailbox, Receiver receiver)
    {
        var interval = options.HeartbeatInterval;
        var nextHeartbeat = router.Now + interval;
        while (!receiver.Ended.IsCancellationRequested)
        {
            var arrival = mailbox.Arrival; // before draining: an enqueue during the drain still wakes us
            await mailbox.DeliveryLock.WaitAsync(receiver.Ended);
            try
            {
                while (!receiver.Ended.IsCancellationRequested && mailbox.TryPeek(out var message))
                {
                    await body.WriteAsync(message.Payload, receiver.ClientGone);
                    await body.FlushAsync(receiver.ClientGone);
                    mailbox.Delivered(message);
                    router.OnDelivered(message);
                }
            }
            finally
            {
                mailbox.DeliveryLock.Release();
            }

            var untilHeartbeat = nextHeartbeat - router.Now;
            if (untilHeartbeat <= TimeSpan.Zero)
            {
                await body.WriteAsync(HeartbeatPayload, receiver.ClientGone);
                await body.FlushAsync(receiver.ClientGone);
                router.OnHeartbeat();
                nextHeartbeat += interval;
                if (nextHeartbeat < router.Now) nextHeartbeat = router.Now + interval;
                continue;
            }
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(receiver.Ended);
            await Task.WhenAny(arrival, Task.Delay(untilHeartbeat, wait.Token));
            wait.Cancel(); // release the timer now, not when it would have fired
        }
    }

    public Task HealthAsync(HttpContext context) =>
        WriteJsonAsync(context, StatusCodes.Status200OK, router.GetHealth(startTime));

    private async Task RejectAsync(HttpContext context, int status, string error, string? field)
    {
        router.OnBadRequest();
        SignalingLog.Rejected(logger, context.Request.Method, context.Request.Path, Remote(context), status, error);
        await WriteJsonAsync(context, status, new ErrorBody(error, field, null));
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, int limit, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(Math.Min(limit, 4096));
        while (buffer.WrittenCount < limit)
        {
            var n = await request.Body.ReadAsync(buffer.GetMemory(Math.Min(8192, limit - buffer.WrittenCount)), ct);
            if (n == 0) break;
            buffer.Advance(n);
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static Task WriteJsonAsync<T>(HttpContext context, int status, T value)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(value, JsonOptions) + "\n", context.RequestAborted);
    }

    private static string Remote(HttpContext context) =>
        $"{context.Connection.RemoteIpAddress}:{context.Connection.RemotePort}";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private sealed record ErrorBody(string Error, string? Field, string? To);
}
