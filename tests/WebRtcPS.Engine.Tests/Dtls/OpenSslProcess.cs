using System.Diagnostics;
using System.Text;

namespace WebRtcPS.Engine.Tests.Dtls;

/// <summary>Test helper: runs <c>openssl</c> with its output captured line by line, so a test can
/// wait for a line, write to its stdin, and kill it (by its own process id) when done.</summary>
internal sealed class OpenSslProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly object _gate = new();
    private readonly List<(string Text, TaskCompletionSource Seen)> _waiters = [];

    private OpenSslProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static string? Path => TestInfrastructure.Interop.Which("openssl");

    /// <summary>Everything the process printed so far (stdout and stderr).</summary>
    public string Output
    {
        get { lock (_gate) return _output.ToString(); }
    }

    public bool HasExited => _process.HasExited;

    public static OpenSslProcess Start(string workingDirectory, params string[] arguments)
    {
        var info = new ProcessStartInfo(Path ?? "openssl")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        return new OpenSslProcess(Process.Start(info) ?? throw new InvalidOperationException("openssl did not start"));
    }

    /// <summary>Runs openssl to completion and returns its output; throws on a non-zero exit.</summary>
    public static async Task<string> RunAsync(string workingDirectory, params string[] arguments)
    {
        using var p = Start(workingDirectory, arguments);
        await p._process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        p._process.WaitForExit(); // drain the async readers
        if (p._process.ExitCode != 0)
            throw new InvalidOperationException($"openssl {string.Join(' ', arguments)} exited {p._process.ExitCode}: {p.Output}");
        return p.Output;
    }

    /// <summary>Completes when a line containing <paramref name="text"/> has been printed.</summary>
    public Task WaitForAsync(string text, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_output.ToString().Contains(text, StringComparison.Ordinal)) return Task.CompletedTask;
            _waiters.Add((text, seen));
        }
        return seen.Task.WaitAsync(timeout).ContinueWith(t =>
        {
            if (t.IsFaulted) throw new TimeoutException($"openssl did not print '{text}'. Output so far:\n{Output}");
        }, TaskScheduler.Default);
    }

    public Task WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync().WaitAsync(timeout);

    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteAsync(line + "\n");
        await _process.StandardInput.FlushAsync();
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_gate)
        {
            _output.AppendLine(line);
            var text = _output.ToString();
            foreach (var w in _waiters.Where(w => text.Contains(w.Text, StringComparison.Ordinal)).ToList())
            {
                w.Seen.TrySetResult();
                _waiters.Remove(w);
            }
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill();
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        _process.Dispose();
    }
}
