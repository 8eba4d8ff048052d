namespace WebRtcPS.Bench.Signaling;

/// <summary>The child process: opens N /receive streams, says "ready", holds them until stdin ends.</summary>
internal static class IdleClient
{
    public static async Task<int> RunAsync(Uri url, int streams)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = url,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var responses = new HttpResponseMessage[streams];
        using var gate = new SemaphoreSlim(50);
        var opening = Task.WhenAll(Enumerable.Range(0, streams).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                responses[i] = await http.GetAsync($"receive?id=idle-{i}", HttpCompletionOption.ResponseHeadersRead);
                responses[i].EnsureSuccessStatusCode();
                var stream = await responses[i].Content.ReadAsStreamAsync();
                _ = DrainAsync(stream); // read heartbeats so the server never blocks on a full socket
            }
            finally { gate.Release(); }
        }));
        try
        {
            await opening;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            // e.g. out of file descriptors: say so on the line the parent waits for
            Console.WriteLine($"failed: {responses.Count(r => r is not null)} of {streams} opened: {ex.Message}");
            return 1;
        }
        Console.WriteLine("ready");
        await Console.In.ReadToEndAsync();
        foreach (var r in responses) r.Dispose();
        return 0;
    }

    private static async Task DrainAsync(Stream stream)
    {
        var buffer = new byte[256];
        try { while (await stream.ReadAsync(buffer) > 0) { } } catch { /* closed */ }
    }
}
