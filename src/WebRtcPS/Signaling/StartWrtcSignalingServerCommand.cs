using System.Collections.Concurrent;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using WebRtcPS.Commands.Infrastructure;
using WebRtcPS.Signaling.Logging;
using WebRtcPS.Signaling.Server;

namespace WebRtcPS.Commands.Signaling;

/// <summary>
/// Starts the seed-compatible signaling server in this session. With -Wait it stays in the
/// foreground, writing what it routes to -Verbose, until Ctrl+C stops it.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "WrtcSignalingServer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(SignalingServerInfo))]
public sealed partial class StartWrtcSignalingServerCommand : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stop = new();

    /// <summary>TCP port; 0 picks a free one.</summary>
    [Parameter(Position = 0)]
    [ValidateRange(0, 65535)]
    public int Port { get; set; } = 8080;

    /// <summary>Address to listen on; every address (IPv6 and IPv4) when omitted.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.InterfaceCompleter))]
    public string? ListenAddress { get; set; }

    [Parameter]
    [ValidateRange(0.05, 3600)]
    public double HeartbeatIntervalSec { get; set; } = 10;

    [Parameter]
    [ValidateRange(1, 1_000_000)]
    public int MaxQueuedMessages { get; set; } = 1000;

    [Parameter]
    [ValidateRange(1, 86_400)]
    public double QueuedMessageLifetimeSec { get; set; } = 600;

    /// <summary>
    /// Keep the queues in this Redis, shared with every server pointed at it: host:port, a
    /// StackExchange.Redis configuration string (host:6380,password=...,ssl=true) or redis://, rediss:// URI.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Redis { get; set; }

    /// <summary>Stay in the foreground until Ctrl+C, then stop the server.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    protected override void ProcessRecord()
    {
        IPAddress? address = null;
        if (ListenAddress is not null && !IPAddress.TryParse(ListenAddress, out address))
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"'{ListenAddress}' is not an IP address."),
                "InvalidListenAddress", ErrorCategory.InvalidArgument, ListenAddress)
            {
                ErrorDetails = new ErrorDetails($"'{ListenAddress}' is not an IP address.")
                {
                    RecommendedAction = "Give an IPv4 or IPv6 address such as 0.0.0.0, 127.0.0.1 or ::, or omit -ListenAddress to listen on every address.",
                },
            });
        }

        // It opens a port to the network (every address by default): -WhatIf and -Confirm say where.
        var where = address is null ? $"every address (IPv6 and IPv4), port {Port}" : $"{address}, port {Port}";
        if (!ShouldProcess(where, "Start signaling server")) return;

        var options = new SignalingServerOptions
        {
            Port = Port,
            ListenAddress = address,
            HeartbeatInterval = TimeSpan.FromSeconds(HeartbeatIntervalSec),
            MaxQueuedMessagesPerId = MaxQueuedMessages,
            QueuedMessageLifetime = TimeSpan.FromSeconds(QueuedMessageLifetimeSec),
            Redis = Redis,
        };
        ApplySecurity(options, address); // tokens, certificate, global limits (StartWrtcSignalingServerCommand.Security.cs)

        // Lives as long as the server (the registry disposes it on stop): Kestrel logs through it.
        var log = new LogQueue();
        using var queue = new BlockingCollection<LogLine>();
        log.Attach(queue);

        SignalingServer server;
        try
        {
            server = SignalingServer.StartAsync(options, log, _stop.Token).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is IOException or SocketException || ex.InnerException is SocketException)
        {
            log.Dispose();
            var endpoint = $"{address?.ToString() ?? "*"}:{Port}";
            ThrowTerminatingError(new ErrorRecord(ex, "SignalingServerBindFailed", ErrorCategory.ResourceUnavailable, endpoint)
            {
                ErrorDetails = new ErrorDetails($"Cannot listen on {endpoint}: {ex.Message}")
                {
                    RecommendedAction = "Choose another -Port (0 picks a free one) or stop what holds this one (Get-WrtcSignalingServer).",
                },
            });
            return;
        }
        catch (OperationCanceledException)
        {
            log.Dispose();
            return;
        }

        SignalingServerRegistry.Add(server, log);
        // From here a stop (Ctrl+C, PowerShell.Stop()) can land anywhere, even in WriteObject
        // (PipelineStoppedException): the finally detaches the log queue this method owns, and a
        // -Wait server, which lives only as long as the command, is stopped with it.
        try
        {
            Drain(queue);
            AnnounceCertificate(server);
            WriteObject(new SignalingServerInfo(server));
            // The browser peer page: any browser, anywhere, tests against this server with nothing installed.
            WriteVerbose($"Browser peer page: {server.PageUrl}?role=answerer (or ?role=offerer); from another machine use this host's address.");
            if (Wait) WaitForStop(queue);
        }
        finally
        {
            log.Detach(queue);
            if (Wait) SignalingServerRegistry.StopAsync(server).GetAwaiter().GetResult();
        }
    }

    // Foreground: write what the server logs, from this thread, until Ctrl+C (StopProcessing)
    // or SIGTERM (a service manager stopping it).
    private void WaitForStop(BlockingCollection<LogLine> queue)
    {
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                _stop.Cancel();
            });
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                if (queue.TryTake(out var entry, Timeout.Infinite, _stop.Token)) this.WriteLog(entry);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Drain(BlockingCollection<LogLine> queue)
    {
        while (queue.TryTake(out var entry)) this.WriteLog(entry);
    }

    protected override void StopProcessing() => _stop.Cancel();

    public void Dispose() => _stop.Dispose();
}
