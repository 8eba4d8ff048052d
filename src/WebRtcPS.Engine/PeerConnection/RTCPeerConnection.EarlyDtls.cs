using WebRtcPS.Engine.Dtls;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.Runtime;

namespace WebRtcPS.Engine.PeerConnection;

// The offerer's DTLS server, started before the answer (issue 15, setup time). An offer says
// a=setup:actpass and answerers take active (JSEP, pion, Chromium, aiortc), so the offerer is
// almost always the DTLS server; the answerer sends its ClientHello as soon as its first check
// succeeds, which is before its answer reaches us. Started at setLocalDescription(offer), the
// server takes that ClientHello when it comes and has its first flight made and held by the time
// our own checks (which need the answer's credentials) prove the path; the peer's fingerprints
// (from the answer) are needed only when its certificate arrives in the next flight, after the
// answer. An answer that says passive makes us the client: the early server is cancelled unused.
public sealed partial class RTCPeerConnection
{
    private sealed record EarlyDtlsServer(
        CancellationTokenSource Cancel,
        TaskCompletionSource<IReadOnlyList<RTCDtlsFingerprint>> Fingerprints,
        Task<bool> Ready,
        Task<IDtlsTransport> Handshake);

    private EarlyDtlsServer? _earlyDtls;

    /// <summary>On the loop, at setLocalDescription(offer): starts the DTLS server when the offer
    /// leaves the role to the answerer (actpass) or makes us the server (passive).</summary>
    private void StartEarlyDtlsServer(IceAgent agent, Sdp.SdpSetupRole? offeredSetup)
    {
        if (_earlyDtls is not null || _transportTask is not null || !_config.Dtls.EarlyServer) return;
        if (offeredSetup is not (Sdp.SdpSetupRole.ActPass or Sdp.SdpSetupRole.Passive)) return;
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(_cts.Token);
        var fingerprints = new TaskCompletionSource<IReadOnlyList<RTCDtlsFingerprint>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var ready = RouteReady(agent, cancel.Token);
        var parameters = DtlsOptions(_config, W3C.DtlsRole.Server, _certificate, []) with { RemoteFingerprintsLater = fingerprints.Task };
        var handshake = DtlsTransports.StartWhenReadyAsync(agent.Transport, parameters, ready, cancel.Token);
        // Observed here: an unused server ends with OperationCanceledException, never awaited otherwise.
        _ = handshake.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        _earlyDtls = new EarlyDtlsServer(cancel, fingerprints, ready, handshake);
        SetupTrace.Mark("pc.dtls-early");
    }

    /// <summary>On the loop, when the answer fixed our role: the early server is kept (with the
    /// peer's fingerprints) if we are the server, else cancelled. Null when there is none to use.</summary>
    private EarlyDtlsServer? TakeEarlyDtlsServer(W3C.DtlsRole role, IReadOnlyList<RTCDtlsFingerprint> remoteFingerprints)
    {
        if (_earlyDtls is not { } early) return null;
        _earlyDtls = null;
        if (role == W3C.DtlsRole.Server)
        {
            early.Fingerprints.TrySetResult(remoteFingerprints);
            return early;
        }
        early.Cancel.Cancel();   // its route wait ends false: the thread closes its adapter and ends
        early.Fingerprints.TrySetCanceled();
        return null;
    }

    /// <summary>At teardown: an early server never taken (no answer came) ends with the connection.</summary>
    private async Task EndEarlyDtlsServerAsync()
    {
        var early = await _loop.InvokeAsync(() =>
        {
            var e = _earlyDtls;
            _earlyDtls = null;
            return e;
        }).ConfigureAwait(false);
        if (early is null) return;
        early.Cancel.Cancel();
        early.Fingerprints.TrySetCanceled();
        try
        {
            var unused = await early.Handshake.ConfigureAwait(false);
            await unused.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or DtlsException)
        {
            // What an unused server ends with.
        }
    }
}
