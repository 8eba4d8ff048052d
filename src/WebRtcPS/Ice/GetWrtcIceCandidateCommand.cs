using System.Management.Automation;
using WebRtcPS.Commands.Infrastructure;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.Turn;

namespace WebRtcPS.Commands.Ice;

/// <summary>
/// Gathers ICE candidates like the WebRTC "Trickle ICE" page: one object per candidate as it is
/// found, then a summary with the gathering time and each server's result.
/// </summary>
[Cmdlet(VerbsCommon.Get, "WrtcIceCandidate")]
[OutputType(typeof(IceCandidateEvent), typeof(IceGatheringSummary))]
public sealed class GetWrtcIceCandidateCommand : AsyncPipelineCmdlet
{
    /// <summary>STUN and TURN server URIs, or RTCIceServer-shaped hashtables with their own credentials.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    [IceServerTransformation]
    [ArgumentCompleter(typeof(Completion.IceServerCompleter))]
    public IceServer[]? IceServer { get; set; }

    /// <summary>User name and password for TURN servers.</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>Also gather on loopback (127.0.0.1, ::1).</summary>
    [Parameter]
    public SwitchParameter IncludeLoopback { get; set; }

    /// <summary>Accept a TURN server's TLS certificate without validating it.</summary>
    [Parameter]
    public SwitchParameter SkipCertificateCheck { get; set; }

    /// <summary>Gather only on these interfaces (names such as eth0, or addresses).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.InterfaceCompleter))]
    public string[]? Interface { get; set; }

    /// <summary>Host candidate transports: Udp (default), Tcp (ICE-TCP, RFC 6544) or both.</summary>
    [Parameter]
    [ValidateSet("Udp", "Tcp", IgnoreCase = true)]
    public string[] Protocol { get; set; } = ["Udp"];

    /// <summary>Longest time to wait for gathering to complete.</summary>
    [Parameter]
    [ValidateRange(1, 300)]
    public int TimeoutSec { get; set; } = 10;

    /// <summary>Candidates only, no summary object (for Export-Csv).</summary>
    [Parameter]
    public SwitchParameter NoSummary { get; set; }

    protected override void ProcessRecord()
    {
        var servers = IceParameterHelpers.ParseIceServers(this, IceServer);
        var iceServers = IceParameterHelpers.IceServers(this, IceServer, Credential);
        // TURN built as RTCPeerConnection builds it: one allocation per turn:/turns: URL.
        using var log = OpenEngineLog();
        var turn = IceParameterHelpers.TurnSettings(this, servers, SkipCertificateCheck);
        var relay = TurnRelaySource.FromIceServers(iceServers, log?.Apply(turn) ?? turn);
        var options = new IceAgentOptions
        {
            IceServers = servers.Where(s => s.IsStun).Select(s => s.ToString()).ToList(),
            RelaySource = relay.Servers.Count > 0 ? relay : null,
            IncludeLoopback = IncludeLoopback || IceParameterHelpers.NamesLoopback(Interface),
            InterfaceFilter = IceParameterHelpers.InterfaceFilter(Interface),
            EnableTcp = Protocol.Contains("Tcp", StringComparer.OrdinalIgnoreCase),
            DisableUdp = !Protocol.Contains("Udp", StringComparer.OrdinalIgnoreCase),
        };
        if (log is not null) options = log.Apply(options);

        var progress = new ProgressReporter("Gathering ICE candidates");
        WriteProgress(progress.Count(0, servers.Count, servers.Count == 0 ? "Host candidates" : $"0 of {servers.Count} server(s) answered"));
        IceGatheringSummary summary;
        try
        {
            summary = RunToCompletion(ct => GatherAsync(options, servers, progress, ct));
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            return;
        }
        WriteProgress(progress.Completed());
        if (!summary.Completed)
            WriteWarning($"Gathering did not complete within {TimeoutSec} s; the candidates above are those found so far.");
        if (!NoSummary) WriteObject(summary);
    }

    private async Task<IceGatheringSummary> GatherAsync(IceAgentOptions options, IReadOnlyList<IceServerUri> servers, ProgressReporter progress, CancellationToken ct)
    {
        await using var agent = new IceAgent(options);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(TimeoutSec));
        var mapped = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var errors = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        int host = 0, srflx = 0, relay = 0;
        var completed = false;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var answered = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        void Answered(string? url, string how)
        {
            if (url is null || servers.Count == 0 || !answered.Add(url)) return;
            PostProgress(progress.Count(answered.Count, servers.Count, $"{answered.Count} of {servers.Count} server(s) answered", $"{url}: {how}"));
        }

        agent.StartGathering();
        try
        {
            await foreach (var e in agent.Events.ReadAllAsync(timeout.Token).ConfigureAwait(false))
            {
                switch (e)
                {
                    case IceCandidateGatheredEvent g:
                        // Same object as Connect-WrtcPeer's, shown with the gathering table view.
                        var candidate = new PSObject(new IceCandidateEvent(g.Candidate, CandidateDirection.Local, g.Timestamp, g.Elapsed, g.Url));
                        candidate.TypeNames.Insert(0, "WebRtcPS.IceCandidate");
                        PostObject(candidate);
                        switch (g.Candidate.Type)
                        {
                            case RTCIceCandidateType.Host: host++; break;
                            case RTCIceCandidateType.Srflx: srflx++; break;
                            case RTCIceCandidateType.Relay: relay++; break;
                        }
                        if (g.Url is not null) mapped.TryAdd(g.Url, $"{g.Candidate.Address}:{g.Candidate.Port}");
                        Answered(g.Url, $"{g.Candidate.Type.ToString().ToLowerInvariant()} {g.Candidate.Address}:{g.Candidate.Port}");
                        break;
                    case IceCandidateErrorEvent err:
                        if (!errors.TryGetValue(err.Url, out var list)) errors[err.Url] = list = [];
                        list.Add(err.ErrorCode is { } code ? $"{code} {err.ErrorText} (from {err.LocalAddress})" : $"{err.ErrorText} (from {err.LocalAddress})");
                        PostVerbose($"{err.Url}: {err.ErrorText} (from {err.LocalAddress})");
                        Answered(err.Url, err.ErrorText);
                        break;
                    case IceGatheringStateChangedEvent { State: RTCIceGatheringState.Complete }:
                        completed = true;
                        break;
                }
                if (completed) break;
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // the timeout: report what was found
        }

        var results = servers.Select(s =>
        {
            var url = s.ToString();
            return mapped.TryGetValue(url, out var address)
                ? new IceServerGatheringResult(url, true, address, null)
                : new IceServerGatheringResult(url, false, null,
                    errors.TryGetValue(url, out var list) ? string.Join("; ", list.Distinct()) : "no answer before gathering ended");
        }).ToList();
        return new IceGatheringSummary(Math.Round(clock.Elapsed.TotalMilliseconds, 1), completed, host, srflx, relay, results);
    }
}
