using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace WebRtcPS.Signaling.Server;

/// <summary>The server's JSON answers: <c>{"error":...,"field":...,"to":...}</c> for every refusal.</summary>
internal static class JsonResponse
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly byte[] Ok = "{\"status\":\"ok\"}\n"u8.ToArray();

    /// <summary>The answer to an accepted /send, <c>{"status":"ok"}</c>: the same bytes every time, written with its length.</summary>
    public static Task OkAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.ContentLength = Ok.Length;
        return response.Body.WriteAsync(Ok, context.RequestAborted).AsTask();
    }

    public static Task WriteAsync<T>(HttpContext context, int status, T value)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(value, Options) + "\n", context.RequestAborted);
    }

    public static Task ErrorAsync(HttpContext context, int status, string error, string? field = null, string? to = null) =>
        WriteAsync(context, status, new ErrorBody(error, field, to));

    public sealed record ErrorBody(string Error, string? Field, string? To);
}
