using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using WebRtcPS.Signaling;
using WebRtcPS.Signaling.Client;
using WebRtcPS.Signaling.Server;

namespace WebRtcPS.Engine.Tests.Signaling;

/// <summary>A real Kestrel signaling server on a free loopback port, with raw HTTP helpers.</summary>
internal sealed class ServerHarness : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private ServerHarness(SignalingServer server)
    {
        Server = server;
        Http = new HttpClient { BaseAddress = server.Url, Timeout = Timeout.InfiniteTimeSpan };
    }

    public SignalingServer Server { get; }
    public HttpClient Http { get; }

    public static async Task<ServerHarness> StartAsync(Action<SignalingServerOptions>? configure = null)
    {
        var options = new SignalingServerOptions
        {
            Port = 0,
            ListenAddress = IPAddress.Loopback,
            HeartbeatInterval = TimeSpan.FromMinutes(5),
        };
        configure?.Invoke(options);
        return new ServerHarness(await SignalingServer.StartAsync(options));
    }

    public Task<HttpResponseMessage> PostAsync(string type, string from, string to, string content = "") =>
        Http.PostAsJsonAsync("send", new SignalingMessage { Type = type, From = from, To = to, Content = content });

    public async Task<HttpResponseMessage> PostRawAsync(string body) =>
        await Http.PostAsync("send", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

    public async Task SendOkAsync(string type, string from, string to, string content = "")
    {
        using var response = await PostAsync(type, from, to, content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public async Task<Stream> OpenAsync(string id) => (await OpenResponseAsync(id)).Stream;

    public async Task<ReceiveStream> OpenResponseAsync(string id, CancellationToken ct = default)
    {
        var response = await Http.GetAsync($"receive?id={Uri.EscapeDataString(id)}", HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();
        return new ReceiveStream(response, await response.Content.ReadAsStreamAsync(ct));
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}

/// <summary>An open /receive stream read in the background into a queue.</summary>
internal sealed class ReceiveStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly Channel<SignalingMessage> _messages = Channel.CreateUnbounded<SignalingMessage>();
    private readonly CancellationTokenSource _cts = new();
    private readonly Task _pump;

    public ReceiveStream(HttpResponseMessage response, Stream stream)
    {
        _response = response;
        Stream = stream;
        _pump = Task.Run(async () =>
        {
            try
            {
                await foreach (var m in SignalingStreamReader.ReadAllAsync(stream, cancellationToken: _cts.Token))
                    _messages.Writer.TryWrite(m);
                _messages.Writer.TryComplete();
            }
            catch (Exception ex)
            {
                _messages.Writer.TryComplete(ex);
            }
        });
    }

    public Stream Stream { get; }

    /// <summary>Completes when the server ended the stream.</summary>
    public Task Ended => _messages.Reader.Completion;

    /// <summary>The next message that is not a heartbeat.</summary>
    public async Task<SignalingMessage> NextAsync(bool includeHeartbeats = false)
    {
        using var timeout = new CancellationTokenSource(ServerHarness.Patience);
        while (true)
        {
            var m = await _messages.Reader.ReadAsync(timeout.Token);
            if (includeHeartbeats || !m.IsHeartbeat) return m;
        }
    }

    /// <summary>Messages other than heartbeats already received.</summary>
    public List<SignalingMessage> Drain()
    {
        var list = new List<SignalingMessage>();
        while (_messages.Reader.TryRead(out var m)) if (!m.IsHeartbeat) list.Add(m);
        return list;
    }

    public async ValueTask DisposeAsync()
    {
        _cts.Cancel();
        _response.Dispose();
        try { await _pump; } catch { /* closed */ }
    }
}
