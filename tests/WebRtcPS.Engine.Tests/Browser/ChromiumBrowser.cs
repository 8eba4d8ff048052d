using System.Diagnostics;
using PuppeteerSharp;

namespace WebRtcPS.Engine.Tests.Browser;

/// <summary>
/// Debian's Chromium, headless, driven over the DevTools protocol on a pipe (PuppeteerSharp with
/// the system browser: nothing is downloaded, no debugging port is opened). Profile, cache and
/// crash dumps live in a temp folder; it is stopped by its process id. Meant to run inside a
/// <see cref="ChromiumNamespace"/> (the lab agent is started in one).
/// </summary>
internal sealed class ChromiumBrowser : IAsyncDisposable
{
    private readonly IBrowser _browser;
    private readonly string _folder;
    private readonly int _pid;

    private ChromiumBrowser(IBrowser browser, string folder)
    {
        _browser = browser;
        _folder = folder;
        _pid = browser.Process?.Id ?? 0;
    }

    /// <summary>The browser executable: WRTC_CHROMIUM, else Debian's binary behind its /usr/bin/chromium wrapper script, else chromium on PATH.</summary>
    public static string? Executable =>
        Environment.GetEnvironmentVariable("WRTC_CHROMIUM") is { Length: > 0 } path ? (File.Exists(path) ? path : null)
        : File.Exists("/usr/lib/chromium/chromium") ? "/usr/lib/chromium/chromium"
        : Interop.Which("chromium");

    public int ProcessId => _pid;

    public static async Task<ChromiumBrowser> LaunchAsync(bool hideLocalIpsWithMdns)
    {
        var executable = Executable ?? throw new InvalidOperationException("chromium not found (tools/deps.sh installs Debian's chromium)");
        var folder = Directory.CreateTempSubdirectory("wrtc-chromium-").FullName;
        var args = new List<string>
        {
            $"--disk-cache-dir={Path.Combine(folder, "cache")}",
            $"--crash-dumps-dir={Path.Combine(folder, "crash")}",
            // No name resolves (the rules apply to IP literals too, hence the exclusions): the
            // tests use IP addresses only, and nothing may be looked up outside. (Quoted:
            // PuppeteerSharp joins the arguments into one command line.)
            $"--host-resolver-rules=\"MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE {ChromiumNamespace.Address}\"",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-default-apps", "--no-first-run", "--no-default-browser-check", "--no-pings",
            "--disable-breakpad", "--disable-domain-reliability", "--metrics-recording-only",
            "--disable-dev-shm-usage", "--mute-audio",
        };
        // Chromium refuses to run as root with its sandbox on; CI runs as root.
        if (Environment.IsPrivilegedProcess) args.Add("--no-sandbox");
        // Its default hides host addresses behind .local names (WebRtcHideLocalIpsWithMdns).
        if (!hideLocalIpsWithMdns) args.Add("--disable-features=WebRtcHideLocalIpsWithMdns");

        var options = new LaunchOptions
        {
            ExecutablePath = executable,
            HeadlessMode = HeadlessMode.True,
            Pipe = true,
            DumpIO = Environment.GetEnvironmentVariable("WRTC_CHROMIUM_DUMPIO") == "1",
            UserDataDir = Path.Combine(folder, "profile"),
            Args = [.. args],
            Timeout = 60_000,
            ProtocolTimeout = 180_000,
            Env =
            {
                ["HOME"] = folder,
                ["XDG_CONFIG_HOME"] = Path.Combine(folder, "config"),
                ["XDG_CACHE_HOME"] = Path.Combine(folder, "cache"),
            },
        };
        try
        {
            return new ChromiumBrowser(await Puppeteer.LaunchAsync(options), folder);
        }
        catch
        {
            TryDelete(folder);
            throw;
        }
    }

    /// <summary>A new tab at <paramref name="url"/>, its console forwarded to <paramref name="log"/>.</summary>
    public async Task<IPage> OpenAsync(Uri url, Action<string> log)
    {
        var page = await _browser.NewPageAsync();
        page.Console += (_, e) => log($"console {e.Message.Type}: {e.Message.Text}");
        page.PageError += (_, e) => log($"page error: {e.Message}");
        await page.GoToAsync(url.ToString());
        return page;
    }

    public Task<string> GetVersionAsync() => _browser.GetVersionAsync();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _browser.CloseAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is TimeoutException or PuppeteerException or InvalidOperationException)
        {
        }
        finally
        {
            // Whatever is left of it, by process id (never by name: other browsers may run here).
            if (_pid != 0)
            {
                try
                {
                    using var process = Process.GetProcessById(_pid);
                    process.Kill(entireProcessTree: true);
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                }
            }
            _browser.Dispose();
            TryDelete(_folder);
        }
    }

    private static void TryDelete(string folder)
    {
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
