using System.Net;
using System.Net.Sockets;
using System.Text;
using WebRtcPS.Signaling;
using WebRtcPS.Signaling.Client;

namespace WebRtcPS.Engine.Tests.Signaling;

public class SignalingClientTests
{
    private static SignalingClientOptions Fast => new()
    {
        InitialReconnectDelay = TimeSpan.FromMilliseconds(20),
        MaxReconnectDelay = TimeSpan.FromMilliseconds(100),
        IdleTimeout = TimeSpan.FromSeconds(30),
        PreconnectSend = false,   // the bare server below takes connections one at a time, each with a request
    };

    /// <summary>
    /// A bare HTTP/1.1 server whose n-th /receive connection answers with one message and then
    /// ends the stream (or, for <paramref name="silentOn"/>, answers headers and goes silent).
    /// </summary>
    private static async Task ServeAsync(TcpListener listener, int connections, int silentOn, List<int> seen, CancellationToken ct)
    {
        var held = new List<Socket>();
        for (var n = 1; n <= connections; n++)
        {
            var socket = await listener.AcceptSocketAsync(ct);
            var stream = new NetworkStream(socket);
            await ReadRequestHeadAsync(stream, ct);
            lock (seen) seen.Add(n);
            var headers = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(headers), ct);
            if (n == silentOn)
            {
                held.Add(socket); // open, but never another byte
                continue;
            }
            var body = $"{{\"type\":\"heartbeat\"}}{{\"type\":\"candidate\",\"content\":\"#{n}\",\"to\":\"me\",\"from\":\"x\"}}\n";
            await stream.WriteAsync(Encoding.UTF8.GetBytes(body), ct);
            socket.Shutdown(SocketShutdown.Both);
            socket.Dispose();
        }
        foreach (var socket in held) socket.Dispose();
    }

    private static async Task ReadRequestHeadAsync(Stream stream, CancellationToken ct)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (!(head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (await stream.ReadAsync(one, ct) == 0) return;
            head.Add(one[0]);
        }
    }

    [Fact]
    public async Task ReconnectsWhenTheStreamEndsAndSkipsHeartbeats()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var seen = new List<int>();
        var server = ServeAsync(listener, 3, silentOn: 0, seen, cts.Token);
        using var client = new SignalingClient(new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}"), "me", Fast);

        var got = new List<string>();
        await foreach (var m in client.ReceiveAsync(cts.Token))
        {
            got.Add(m.Content);
            if (got.Count == 3) break;
        }
        Assert.Equal(["#1", "#2", "#3"], got);
        await server;
        listener.Stop();
    }

    [Fact]
    public async Task ASilentStreamIsReopenedAfterTheIdleTimeout()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var seen = new List<int>();
        var server = ServeAsync(listener, 2, silentOn: 1, seen, cts.Token);
        var options = Fast;
        options.IdleTimeout = TimeSpan.FromMilliseconds(300);
        using var client = new SignalingClient(new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}"), "me", options);

        await foreach (var m in client.ReceiveAsync(cts.Token))
        {
            Assert.Equal("#2", m.Content);
            break;
        }
        Assert.Equal([1, 2], seen);
        cts.Cancel();
        listener.Stop();
        await server.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    [Fact]
    public async Task ARefusedSendSaysWhyAndNamesTheField()
    {
        await using var h = await ServerHarness.StartAsync(o => o.MaxQueuedMessagesPerId = 1);
        using var client = new SignalingClient(h.Server.Url, "a");
        await client.SendAsync("b", "offer", "x");
        var ex = await Assert.ThrowsAsync<SignalingException>(() => client.SendAsync("b", "offer", "y"));
        Assert.Equal(429, ex.StatusCode);
        Assert.Contains("full", ex.Message);

        ex = await Assert.ThrowsAsync<SignalingException>(() => client.SendAsync(new SignalingMessage { Type = "offer", To = "" }));
        Assert.Equal(400, ex.StatusCode);
        Assert.Equal("to", ex.Field);
    }

    [Fact]
    public async Task AnUnreachableServerIsASignalingExceptionNotAHang()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now
        using var client = new SignalingClient(new Uri($"http://127.0.0.1:{port}"), "a");
        var ex = await Assert.ThrowsAsync<SignalingException>(() => client.SendAsync("b", "offer", "x"));
        Assert.Contains("failed", ex.Message);
    }

    [Fact]
    public void RejectsNonHttpUris()
    {
        Assert.Throws<ArgumentException>(() => new SignalingClient(new Uri("ftp://127.0.0.1/"), "a"));
        Assert.Throws<ArgumentException>(() => new SignalingClient(new Uri("http://127.0.0.1/"), ""));
    }

    /// <summary>Accepts the /receive connection and answers it with headers only (the stream stays open).</summary>
    private static async Task<Socket> AcceptStreamAsync(TcpListener listener, CancellationToken ct)
    {
        var socket = await listener.AcceptSocketAsync(ct);
        var stream = new NetworkStream(socket);
        Assert.StartsWith("GET /receive?id=me ", await ReadHeadAsync(stream, ct));
        await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"u8.ToArray(), ct);
        return socket;
    }

    private static async Task<string> ReadHeadAsync(Stream stream, CancellationToken ct)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (!(head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (await stream.ReadAsync(one, ct) == 0) return Encoding.ASCII.GetString([.. head]);
            head.Add(one[0]);
        }
        return Encoding.ASCII.GetString([.. head]);
    }

    private static async Task AnswerSendAsync(Socket socket, CancellationToken ct)
    {
        var stream = new NetworkStream(socket);
        var head = await ReadHeadAsync(stream, ct);
        Assert.StartsWith("POST /send ", head);
        var length = int.Parse(head.Split("\r\n").Single(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))[15..].Trim());
        var body = new byte[length];
        await stream.ReadExactlyAsync(body, ct);
        Assert.Contains("\"type\":\"offer\"", Encoding.UTF8.GetString(body));
        await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{\"status\":\"ok\"}"u8.ToArray(), ct);
    }

    private static async Task<IAsyncEnumerator<SignalingMessage>> OpenStreamAsync(SignalingClient client, CancellationToken ct)
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ConnectionChanged += up =>
        {
            if (up) open.TrySetResult();
        };
        var messages = client.ReceiveAsync(ct).GetAsyncEnumerator(ct);
        _ = messages.MoveNextAsync().AsTask();
        await open.Task.WaitAsync(ct);
        return messages;
    }

    /// <summary>A bare server, a client of it, and the client's /receive stream open on it.</summary>
    private sealed class StreamOpen : IDisposable
    {
        public required TcpListener Listener { get; init; }
        public required SignalingClient Client { get; init; }
        public required Socket Stream { get; init; }

        public static async Task<StreamOpen> StartAsync(SignalingClientOptions? options, CancellationToken ct)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var client = new SignalingClient(new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}"), "me", options);
            var accepted = AcceptStreamAsync(listener, ct);
            await OpenStreamAsync(client, ct);
            return new StreamOpen { Listener = listener, Client = client, Stream = await accepted };
        }

        public void Dispose()
        {
            Client.Dispose();
            Stream.Dispose();
            Listener.Stop();
        }
    }

    [Fact]
    public async Task TheFirstSendGoesOverTheConnectionOpenedWhileTheStreamWaited()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var open = await StreamOpen.StartAsync(null, cts.Token);
        var (listener, client) = (open.Listener, open.Client);

        // A second connection arrives with nothing sent yet: the spare.
        using var spare = await listener.AcceptSocketAsync(cts.Token);
        var sent = client.SendAsync("you", "offer", "v=0");
        await AnswerSendAsync(spare, cts.Token);
        await sent;

        var third = listener.AcceptSocketAsync(cts.Token).AsTask();
        Assert.NotSame(third, await Task.WhenAny(third, Task.Delay(300, cts.Token)));
    }

    [Fact]
    public async Task ASpareTheServerClosedIsNotUsed()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var open = await StreamOpen.StartAsync(null, cts.Token);
        var (listener, client) = (open.Listener, open.Client);
        using (var spare = await listener.AcceptSocketAsync(cts.Token))
        {
            spare.Shutdown(SocketShutdown.Both);
        }
        await Task.Delay(100, cts.Token);   // the FIN is at the client

        var sent = client.SendAsync("you", "offer", "v=0");
        using var fresh = await listener.AcceptSocketAsync(cts.Token);
        await AnswerSendAsync(fresh, cts.Token);
        await sent;
    }

    [Fact]
    public async Task WithoutPreconnectNothingIsOpenedBeforeTheFirstSend()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var open = await StreamOpen.StartAsync(new SignalingClientOptions { PreconnectSend = false }, cts.Token);
        var (listener, client) = (open.Listener, open.Client);

        var next = listener.AcceptSocketAsync(cts.Token).AsTask();
        Assert.NotSame(next, await Task.WhenAny(next, Task.Delay(300, cts.Token)));
        var sent = client.SendAsync("you", "offer", "v=0");
        using var connection = await next;
        await AnswerSendAsync(connection, cts.Token);
        await sent;
    }
}
