using WebRtcPS.Signaling.Client;

namespace WebRtcPS.Signaling.Peers;

/// <summary>
/// One-call connectivity checks: both peers in this process, signaling to each other in memory,
/// or this process's side against a remote peer through a given server.
/// </summary>
public static class ConnectivityTest
{
    /// <summary>
    /// Offerer and answerer in this process, both configured by <paramref name="template"/> (its ids
    /// are replaced; its signaling URI is not used), signaling through <see cref="InProcessSignaling"/>.
    /// The check is of this machine's WebRTC stack, interfaces and ICE servers; the offer, answer
    /// and candidates are the same messages the seed protocol carries, without HTTP: a first check
    /// does not wait for a web server and client to start (issue 12).
    /// </summary>
    public static async Task<ConnectivityTestResult> RunLocalAsync(SeedPeerOptions template, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(template);
        var signaling = new InProcessSignaling();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var offerId = $"test-{tag}-offerer";
        var answerId = $"test-{tag}-answerer";
        await using var answerer = new SeedPeer(template with { Role = SeedPeerRole.Answerer, Id = answerId, RemoteId = offerId }, signaling);
        await using var offerer = new SeedPeer(template with { Role = SeedPeerRole.Offerer, Id = offerId, RemoteId = answerId }, signaling);
        var answering = answerer.ConnectAsync(timeout, cancellationToken);
        var result = await RunAsync(offerer, timeout, cancellationToken).ConfigureAwait(false);
        try
        {
            await answering.ConfigureAwait(false);
        }
        catch (SeedPeerException ex) when (result.Success)
        {
            return result with { Success = false, Error = $"answerer: {ex.Message}", Diagnostics = ex.Diagnostics };
        }
        catch (SeedPeerException)
        {
            // the offerer's failure already says what went wrong
        }
        return result;
    }

    /// <summary>Connects <paramref name="peer"/> (not yet connected) and measures it.</summary>
    public static async Task<ConnectivityTestResult> RunAsync(SeedPeer peer, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var events = new List<SeedPeerEvent>();
        SeedPeerException? failure = null;
        try
        {
            await peer.ConnectAsync(timeout, events.Add, cancellationToken).ConfigureAwait(false);
        }
        catch (SeedPeerException ex)
        {
            failure = ex;
        }

        double? rtt = null;
        if (failure is null && peer.Connection is { } pc)
        {
            var stats = await pc.GetStatsAsync(cancellationToken).ConfigureAwait(false);
            rtt = stats.SelectedCandidatePair?.CurrentRoundTripTime?.TotalMilliseconds;
        }

        var pair = events.OfType<SeedPeerSelectedPairEvent>().LastOrDefault()?.Pair;
        return new ConnectivityTestResult
        {
            Success = failure is null,
            SelectedPairType = pair?.Local.Type.ToString().ToLowerInvariant(),
            LocalCandidate = pair is null ? null : $"{pair.Local.Type.ToString().ToLowerInvariant()} {pair.Local.Address}:{pair.Local.Port}",
            RemoteCandidate = pair is null ? null : $"{pair.Remote.Type.ToString().ToLowerInvariant()} {pair.Remote.Address}:{pair.Remote.Port}",
            Protocol = pair?.Local.Protocol.ToString().ToLowerInvariant(),
            IceMs = Span(events, SeedPeerMachine.Ice, "checking", "connected"),
            DtlsMs = Span(events, SeedPeerMachine.Dtls, "connecting", "connected"),
            SetupMs = peer.SetupTime is { } setup ? Math.Round(setup.TotalMilliseconds, 2) : null,
            VerdictMs = failure is not null && peer.FailedAfter is { } failed ? Math.Round(failed.TotalMilliseconds, 2) : null,
            RttMs = rtt is { } r ? Math.Round(r, 3) : null,
            Error = failure?.Message,
            Diagnostics = failure?.Diagnostics,
        };
    }

    /// <summary>Milliseconds between a machine entering <paramref name="from"/> and then <paramref name="to"/>.</summary>
    private static double? Span(IReadOnlyList<SeedPeerEvent> events, SeedPeerMachine machine, string from, string to)
    {
        var states = events.OfType<SeedPeerStateEvent>().Where(s => s.Machine == machine).ToList();
        var start = states.FirstOrDefault(s => s.To == from);
        var end = states.FirstOrDefault(s => s.To == to);
        return start is null || end is null ? null : Math.Round((end.Elapsed - start.Elapsed).TotalMilliseconds, 2);
    }
}
