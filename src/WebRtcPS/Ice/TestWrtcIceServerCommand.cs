using System.Management.Automation;
using WebRtcPS.Commands.Infrastructure;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.Turn;

namespace WebRtcPS.Commands.Ice;

/// <summary>
/// Checks STUN and TURN servers: a Binding request for stun:, an authenticated Allocate (then
/// released) for turn:/turns:. One result per server with a verdict as clear as the WebRTC
/// Trickle ICE page's: OK, Authentication failed, Not reachable, Timed out, TLS error, Allocation refused.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "WrtcIceServer")]
[OutputType(typeof(IceServerTestResult))]
public sealed class TestWrtcIceServerCommand : AsyncPipelineCmdlet
{
    /// <summary>
    /// stun:HOST[:PORT], turn:HOST[:PORT][?transport=udp|tcp], turns:HOST[:PORT]; or RTCIceServer-shaped
    /// hashtables and objects (Import-Csv rows with Urls, Username, Credential) with their own credentials.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Url", "Urls", "IceServer")]
    [ValidateNotNullOrEmpty]
    [IceServerTransformation]
    [ArgumentCompleter(typeof(Completion.IceServerCompleter))]
    public IceServer[] Uri { get; set; } = [];

    /// <summary>TURN user name and password.</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>Longest wait per server.</summary>
    [Parameter]
    [ValidateRange(1, 300)]
    public int TimeoutSec { get; set; } = 5;

    /// <summary>Accept a TLS certificate without validating it (reported in the result).</summary>
    [Parameter]
    public SwitchParameter SkipCertificateCheck { get; set; }

    protected override void ProcessRecord()
    {
        using var log = OpenEngineLog();
        var progress = new ProgressReporter("Testing ICE servers");
        var entries = Uri.SelectMany(s => s.Urls.Select(u => (u, (s.ToCredential() ?? Credential)?.GetNetworkCredential()))).ToArray();
        var index = 0;
        foreach (var (text, credential) in entries)
        {
            index++;
            WriteProgress(progress.Count(index - 1, entries.Length, $"Server {index} of {entries.Length}", text));
            if (!IceServerUri.TryParse(text, out var uri, out var error))
            {
                WriteError(new ErrorRecord(new ArgumentException($"'{text}' is not a STUN or TURN URI: {error}"),
                    "InvalidIceServerUri", ErrorCategory.InvalidArgument, text));
                continue;
            }
            Completion.IceServerCompleter.Remember([uri.ToString()]);
            if (!uri.IsStun && credential is null)
                WriteWarning($"{uri}: no -Credential given; a TURN server will answer 401 (Authentication failed).");
            if (SkipCertificateCheck && uri.Scheme is IceServerScheme.Turns or IceServerScheme.Stuns)
                WriteWarning($"{uri}: -SkipCertificateCheck: the TLS certificate is not validated.");

            var settings = new TurnSettings { SkipCertificateCheck = SkipCertificateCheck };
            if (log is not null) settings = log.Apply(settings);
            TurnProbeResult result;
            try
            {
                result = RunToCompletion(ct =>
                    TurnProbe.RunAsync(uri, credential?.UserName, credential?.Password, TimeSpan.FromSeconds(TimeoutSec), settings, ct));
            }
            catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
            {
                return;
            }
            WriteObject(new IceServerTestResult(result));
        }
        WriteProgress(progress.Completed());
    }
}
