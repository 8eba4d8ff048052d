using System.Management.Automation;
using WebRtcPS.Commands.Infrastructure;
using WebRtcPS.Signaling.Peers;

namespace WebRtcPS.Commands.Peers;

/// <summary>
/// One connectivity check, one result object: both peers in this process, signaling to each
/// other in memory, or (with -SignalingUri) this side against a remote peer.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "WrtcConnection", DefaultParameterSetName = LocalSet)]
[OutputType(typeof(ConnectionTestResult), typeof(bool))]
[OutputType("System.Management.Automation.Job")]
public sealed partial class TestWrtcConnectionCommand : PeerConfigurationCmdlet
{
    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSec { get; set; } = 30;

    /// <summary>Return only $true or $false (like Test-Connection -Quiet).</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <summary>Run in a thread job (Receive-Job, Wait-Job, Stop-Job) and return the job at once.</summary>
    [Parameter]
    public SwitchParameter AsJob { get; set; }

    protected override void ProcessRecord()
    {
        if (AsJob)
        {
            WriteObject(ThreadJobLauncher.Launch(this, "Test-WrtcConnection"));
            return;
        }
        var remote = !string.IsNullOrEmpty(SignalingUri);
        using var log = OpenEngineLog();
        var options = BuildOptions(remote ? null : new Uri("http://127.0.0.1/")) with { WaitForRemoteGreeting = true };
        if (log is not null) options = options with { Configuration = log.Apply(options.Configuration) };
        var timeout = TimeSpan.FromSeconds(TimeoutSec);
        var progress = new ProgressReporter(remote ? $"Testing the connection to '{options.EffectiveRemoteId}'" : "Testing a connection between two local peers", timeout);
        const string Status = "Connecting (signaling, ICE, DTLS, SCTP, data channel)";
        ConnectivityTestResult result;
        try
        {
            WriteProgress(progress.Step(Status));
            using (new Timer(_ => PostProgress(progress.Step(Status)), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)))
            {
                // The peers, and the local test's signaling server, are disposed by the test on
                // every path: a stopped test (Ctrl+C, Stop-Job) leaves nothing open.
                result = RunToCompletion(async ct =>
                {
                    if (!remote) return await ConnectivityTest.RunLocalAsync(options, timeout, ct).ConfigureAwait(false);
                    await using var peer = new SeedPeer(options);
                    return await ConnectivityTest.RunAsync(peer, timeout, ct).ConfigureAwait(false);
                });
            }
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            return;
        }
        WriteProgress(progress.Completed());
        if (Quiet) WriteObject(result.Success);
        else WriteObject(new ConnectionTestResult(result, remote ? "Remote" : "Local"));
    }
}
