using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace WebRtcPS.Signaling.Client;

/// <summary>
/// A peer's side of the signaling protocol: POST /send, and the /receive stream read as an async
/// sequence of messages (heartbeats dropped), reopened with backoff when it breaks or goes silent.
/// </summary>
public sealed class SignalingClient : ISignalingChannel
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly SignalingClientOptions _options;
    private readonly ILogger _logger;
    private readonly SendPreconnect? _preconnect;

    /// <summary>A client of the signaling server at <paramref name="baseUri"/> (http or https) for the peer <paramref name="id"/>.</summary>
    /// <param name="baseUri">The server's base URL; /send and /receive are relative to it.</param>
    /// <param name="id">This peer's id: messages addressed to it arrive on its /receive stream.</param>
    /// <param name="options">Reconnection and timeouts; defaults when null.</param>
    /// <param name="httpClient">An HttpClient to use (not disposed); one is made when null (only then do the options' certificate settings apply).</param>
    /// <param name="logger">Where reconnections are logged.</param>
    public SignalingClient(Uri baseUri, string id, SignalingClientOptions? options = null, HttpClient? httpClient = null,
        ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (baseUri.Scheme is not ("http" or "https"))
            throw new ArgumentException($"signaling URI must be http or https, not '{baseUri.Scheme}'", nameof(baseUri));
        BaseUri = baseUri.AbsoluteUri.EndsWith('/') ? baseUri : new Uri(baseUri.AbsoluteUri + "/");
        Id = id;
        _options = options ?? new SignalingClientOptions();
        _options.Validate();
        _logger = logger ?? NullLogger.Instance;
        _ownsHttp = httpClient is null;
        if (httpClient is null)
        {
            var handler = CertificatePinning.CreateHandler(_options);
            if (_options.PreconnectSend)
            {
                _preconnect = new SendPreconnect();
                handler.ConnectCallback = _preconnect.ConnectAsync;
            }
            httpClient = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        }
        _http = httpClient;
    }

    /// <summary>The server's base URL (ending in /).</summary>
    public Uri BaseUri { get; }
    /// <summary>This peer's id.</summary>
    public string Id { get; }

    /// <summary>Raised (on a pool thread) each time the /receive stream opens (true) or breaks (false).</summary>
    public event Action<bool>? ConnectionChanged;

    /// <summary>Posts a message of <paramref name="type"/> with <paramref name="content"/> to the peer <paramref name="to"/>.</summary>
    public Task SendAsync(string to, string type, string content, CancellationToken cancellationToken = default) =>
        SendAsync(new SignalingMessage { Type = type, Content = content, To = to, From = Id }, cancellationToken);

    /// <summary>Posts one message; a refusal (4xx/5xx) throws <see cref="SignalingException"/> with the server's reason.</summary>
    public async Task SendAsync(SignalingMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.From.Length == 0) message = message with { From = Id };
        _preconnect?.Cancel();   // a spare already opened is taken by this send's connection; none is opened after
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.SendTimeout);
        HttpResponseMessage response;
        try
        {
            using var request = Request(HttpMethod.Post, new Uri(BaseUri, "send"));
            // Serialized first, so the body goes with a Content-Length (JsonContent streams it chunked).
            request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(message, SignalingWebJson.Default.SignalingMessage))
            {
                Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } },
            };
            response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SignalingException($"POST {BaseUri}send timed out after {_options.SendTimeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException ex)
        {
            throw new SignalingException($"POST {BaseUri}send failed: {ex.Message}", ex);
        }
        using (response)
        {
            if (response.IsSuccessStatusCode) return;
            var (error, field) = await ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
            throw new SignalingException($"signaling server refused the {message.Type} to '{message.To}': {(int)response.StatusCode} {error}",
                (int)response.StatusCode, field);
        }
    }

    /// <summary>
    /// Messages addressed to <see cref="Id"/>, in order, until cancelled. Network failures reopen
    /// the stream after a growing delay; a 4xx answer (bad id) ends the sequence with an exception.
    /// </summary>
    public async IAsyncEnumerable<SignalingMessage> ReceiveAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var delay = _options.InitialReconnectDelay;
        var uri = new Uri(BaseUri, "receive?id=" + Uri.EscapeDataString(Id));
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            HttpResponseMessage? response = null;
            IAsyncEnumerator<SignalingMessage>? messages = null;
            Exception? failure = null;
            try
            {
                idle.CancelAfter(_options.IdleTimeout);
                using (var request = Request(HttpMethod.Get, uri))
                    response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, idle.Token).ConfigureAwait(false);
                // 429 (rate limit) is a reason to come back later, like a network failure; other 4xx are final.
                if ((int)response.StatusCode is >= 400 and < 500 and not 429)
                {
                    var (error, field) = await ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
                    throw new SignalingException($"signaling server refused /receive for '{Id}': {(int)response.StatusCode} {error}",
                        (int)response.StatusCode, field);
                }
                response.EnsureSuccessStatusCode();
                var stream = await response.Content.ReadAsStreamAsync(idle.Token).ConfigureAwait(false);
                messages = SignalingStreamReader.ReadAllAsync(stream, cancellationToken: idle.Token).GetAsyncEnumerator(idle.Token);
                _preconnect?.Warm();   // first: a peer may send the moment it hears the stream is open
                ConnectionChanged?.Invoke(true);
                delay = _options.InitialReconnectDelay;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException
                                       || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                failure = ex;
            }

            if (messages is not null)
            {
                while (true)
                {
                    SignalingMessage current;
                    try
                    {
                        idle.CancelAfter(_options.IdleTimeout);
                        if (!await messages.MoveNextAsync().ConfigureAwait(false)) break;
                        current = messages.Current;
                    }
                    catch (Exception ex) when (ex is HttpRequestException or IOException or SignalingException
                                               || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                    {
                        failure = ex;
                        break;
                    }
                    if (!current.IsHeartbeat) yield return current;
                }
                await messages.DisposeAsync().ConfigureAwait(false);
                ConnectionChanged?.Invoke(false);
            }
            response?.Dispose();
            cancellationToken.ThrowIfCancellationRequested();

            SignalingClientLog.Reconnecting(_logger, Id, failure?.Message ?? "closed by server", delay.TotalMilliseconds);
            await Task.Delay(Jitter(delay), cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
        }
    }

    private HttpRequestMessage Request(HttpMethod method, Uri uri)
    {
        var request = new HttpRequestMessage(method, uri);
        if (_options.AccessToken is { } token) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private static TimeSpan Jitter(TimeSpan delay) => delay * (0.8 + 0.4 * Random.Shared.NextDouble());

    private static async Task<(string Error, string? Field)> ReadErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        try
        {
            using var doc = JsonDocument.Parse(text);
            var error = doc.RootElement.TryGetProperty("error", out var e) ? e.GetString() : null;
            var field = doc.RootElement.TryGetProperty("field", out var f) ? f.GetString() : null;
            return (error ?? text.Trim(), field);
        }
        catch (JsonException)
        {
            return (string.IsNullOrWhiteSpace(text) ? response.ReasonPhrase ?? "" : text.Trim(), null);
        }
    }

    /// <summary>Disposes the HttpClient if this client made it.</summary>
    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
        _preconnect?.Dispose();
    }
}
