using WebRtcPS.Signaling.Client;

namespace WebRtcPS.Engine.Tests.Signaling.Redis;

/// <summary>Where a client reaches one server instance: null while it is down; the label names its life ("A1", "A2", "B").</summary>
internal sealed class InstanceAddress(string label, Uri? url)
{
    private (string Label, Uri? Url) _now = (label, url);

    public (string Label, Uri? Url) Now { get { lock (this) return _now; } }

    public void Set(string label, Uri? url)
    {
        lock (this) _now = (label, url);
    }
}

/// <summary>
/// One peer id reading /receive for the crash test, reconnecting whenever its stream ends (as
/// SignalingClient does): each message is recorded with the stream it came on and the instance
/// life that served that stream, so the test can tell a redelivery across the crash from a duplicate.
/// </summary>
internal sealed class CrashReceiver(string id, string partner, Func<int, InstanceAddress> pick)
{
    private readonly List<Received> _got = [];
    private readonly List<string> _problems = [];
    private readonly TaskCompletionSource _readGate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _streams;
    private volatile bool _open;

    public readonly record struct Received(int Seq, int Stream, string Instance);

    public string Id { get; } = id;

    /// <summary>True while a stream is open (its headers came).</summary>
    public bool IsOpen => _open;

    public IReadOnlyList<Received> Got { get { lock (_got) return _got.ToArray(); } }

    public IReadOnlyList<string> Problems { get { lock (_problems) return _problems.ToArray(); } }

    /// <summary>Stream 1 is opened but not read until <see cref="StartReading"/> (a client too slow to read: the server blocks writing to it).</summary>
    public bool HoldFirstStream { get; init; }

    public void StartReading() => _readGate.TrySetResult();

    /// <summary>Reads until <paramref name="stop"/>; <c>pick(n)</c> says which instance stream n (from 1) is opened on.</summary>
    public async Task RunAsync(HttpClient http, CancellationToken stop)
    {
        if (!HoldFirstStream) StartReading();
        while (!stop.IsCancellationRequested)
        {
            var (label, url) = pick(_streams + 1).Now;
            if (url is null)
            {
                await Delay(stop);
                continue;
            }
            HttpResponseMessage response;
            try
            {
                response = await http.GetAsync(new Uri(url, $"receive?id={Id}"), HttpCompletionOption.ResponseHeadersRead, stop);
            }
            catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !stop.IsCancellationRequested))
            {
                await Delay(stop); // the instance is down: try again (on whatever pick says)
                continue;
            }
            catch (OperationCanceledException)
            {
                break;
            }
            using (response)
            {
                if (!response.IsSuccessStatusCode)
                {
                    Problem($"/receive on {label} answered {(int)response.StatusCode}");
                    await Delay(stop);
                    continue;
                }
                var stream = ++_streams;
                _open = true;
                try
                {
                    await _readGate.Task.WaitAsync(stop);
                    await using var body = await response.Content.ReadAsStreamAsync(stop);
                    await foreach (var m in SignalingStreamReader.ReadAllAsync(body, cancellationToken: stop))
                    {
                        if (m.IsHeartbeat) continue;
                        var space = m.Content.IndexOf(' '); // "seq" or "seq padding"
                        if (m.From != partner || m.To != Id || !int.TryParse(space < 0 ? m.Content : m.Content[..space], out var seq))
                            Problem($"misdelivered on {label}: {m.From} -> {m.To}: {m.Content[..Math.Min(m.Content.Length, 40)]}");
                        else lock (_got) _got.Add(new Received(seq, stream, label));
                    }
                }
                catch (Exception) when (!stop.IsCancellationRequested)
                {
                    // the instance died (or replaced the stream): reconnect
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                finally
                {
                    _open = false;
                }
            }
        }
    }

    private void Problem(string text)
    {
        lock (_problems) _problems.Add(text);
    }

    private static async Task Delay(CancellationToken stop)
    {
        try { await Task.Delay(100, stop); } catch (OperationCanceledException) { }
    }
}
