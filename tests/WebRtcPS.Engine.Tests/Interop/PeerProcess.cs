using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

// (Not "...Tests.Interop": that namespace would hide the TestInfrastructure.Interop class in sibling folders.)
namespace WebRtcPS.Engine.Tests.InteropPeers;

/// <summary>
/// An external interop program (Go checker, pion or aiortc peer) whose stdout is one JSON object
/// per line. Lines are parsed as they come; tests wait for a line that matches a predicate
/// instead of sleeping. Dispose kills the process tree if it is still running.
/// </summary>
internal sealed class PeerProcess : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private readonly Process _process;
    private readonly List<JsonElement> _lines = [];
    private readonly List<string> _rawLines = [];
    private readonly StringBuilder _stderr = new();
    private readonly Channel<JsonElement> _channel = Channel.CreateUnbounded<JsonElement>();
    private readonly TaskCompletionSource _stdoutDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<JsonElement> _pending = [];

    private PeerProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }
    public int Id => _process.Id;

    public static PeerProcess Start(string name, string fileName, IEnumerable<string> arguments,
        IDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        if (environment is not null)
            foreach (var (k, v) in environment) psi.Environment[k] = v;
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var peer = new PeerProcess(name, process);
        process.OutputDataReceived += (_, e) => peer.OnStdout(e.Data);
        process.ErrorDataReceived += (_, e) => peer.OnStderr(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return peer;
    }

    private void OnStdout(string? line)
    {
        if (line is null)
        {
            _stdoutDone.TrySetResult();
            _channel.Writer.TryComplete();
            return;
        }
        lock (_rawLines) _rawLines.Add(line);
        if (line.Length == 0 || line[0] != '{') return;
        try
        {
            var element = JsonDocument.Parse(line).RootElement.Clone();
            lock (_lines) _lines.Add(element);
            _channel.Writer.TryWrite(element);
        }
        catch (JsonException)
        {
            // not one of ours: kept in the raw output for diagnostics
        }
    }

    private void OnStderr(string? line)
    {
        if (line is null) { _stderrDone.TrySetResult(); return; }
        lock (_stderr) _stderr.AppendLine(line);
    }

    /// <summary>All JSON lines so far.</summary>
    public IReadOnlyList<JsonElement> Lines
    {
        get { lock (_lines) return _lines.ToArray(); }
    }

    /// <summary>JSON lines whose "event" is <paramref name="name"/>.</summary>
    public IReadOnlyList<JsonElement> Events(string name) =>
        Lines.Where(l => l.TryGetProperty("event", out var e) && e.GetString() == name).ToArray();

    /// <summary>Stdout and stderr so far, for assertion messages.</summary>
    public string Transcript()
    {
        string stdout, stderr;
        lock (_rawLines) stdout = string.Join("\n", _rawLines);
        lock (_stderr) stderr = _stderr.ToString();
        return $"--- {Name} (pid {_process.Id}) stdout ---\n{stdout}\n--- {Name} stderr ---\n{stderr}";
    }

    /// <summary>Waits for the next line (in order of arrival, not yet consumed) matching <paramref name="match"/>.</summary>
    public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> match, string what, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Patience);
        try
        {
            lock (_pending)
            {
                var i = _pending.FindIndex(e => match(e));
                if (i >= 0) { var found = _pending[i]; _pending.RemoveAt(i); return found; }
            }
            while (true)
            {
                var line = await _channel.Reader.ReadAsync(cts.Token);
                if (match(line)) return line;
                lock (_pending) _pending.Add(line);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            var why = ex is ChannelClosedException ? "the process ended its output" : $"timed out after {(timeout ?? Patience).TotalSeconds} s";
            throw new Xunit.Sdk.XunitException($"{Name}: waiting for {what}: {why}\n{Transcript()}");
        }
    }

    public Task<JsonElement> WaitForEventAsync(string name, TimeSpan? timeout = null) =>
        WaitForAsync(l => l.TryGetProperty("event", out var e) && e.GetString() == name, $"event '{name}'", timeout);

    /// <summary>Waits for the process to exit (and its output to drain); returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Patience);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            await Task.WhenAll(_stdoutDone.Task, _stderrDone.Task).WaitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"{Name}: did not exit within {(timeout ?? Patience).TotalSeconds} s\n{Transcript()}");
        }
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: the process dies at once, with no chance to close anything (a crash).</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try { await _process.WaitForExitAsync(cts.Token); } catch (OperationCanceledException) { }
            }
        }
        catch (InvalidOperationException)
        {
            // never started or already reaped
        }
        _process.Dispose();
    }
}
