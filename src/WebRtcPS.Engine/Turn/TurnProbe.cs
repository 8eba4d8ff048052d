using System.Net;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.Stun;
using WebRtcPS.Engine.Stun.Attributes;

namespace WebRtcPS.Engine.Turn;

/// <summary>The outcome of a probe, one diagnosis per value.</summary>
internal enum TurnProbeVerdict
{
    Ok,
    AuthenticationFailed,
    NotReachable,
    TimedOut,
    TlsError,
    AllocationRefused,
    /// <summary>The server answered with something unusable (not in the original list of
    /// verdicts: kept apart so a broken server is not mistaken for a refusal).</summary>
    ProtocolError,
}

/// <summary>What <see cref="TurnProbe.RunAsync(IceServerUri, string?, string?, TimeSpan, CancellationToken)"/> found; flat, for the pipeline.</summary>
internal sealed record TurnProbeResult
{
    public required string Uri { get; init; }
    /// <summary>udp, tcp or tls (the client-to-server transport).</summary>
    public required string Transport { get; init; }
    public string? ServerAddress { get; init; }
    /// <summary>The server answered (any STUN response, or the TCP/TLS connection opened).</summary>
    public bool Reachable { get; init; }
    /// <summary>The credentials were accepted (always false for a stun: probe, which sends none).</summary>
    public bool Authenticated { get; init; }
    public string? RelayedAddress { get; init; }
    public string? MappedAddress { get; init; }
    /// <summary>turn: connect + Allocate (authentication round trips included); stun: the Binding.</summary>
    public double? AllocateMs { get; init; }
    /// <summary>One request/response round trip.</summary>
    public double? RttMs { get; init; }
    public TurnProbeVerdict Verdict { get; init; }
    /// <summary>The verdict in words: "OK", "Authentication failed", ...</summary>
    public string VerdictText => TurnProbe.VerdictText(Verdict);
    public int? ErrorCode { get; init; }
    public string? Error { get; init; }
    public bool CertificateCheckSkipped { get; init; }
    public DateTimeOffset Timestamp { get; init; }
}

/// <summary>
/// Diagnoses an ICE server: for turn:/turns: allocates (with credentials), records the relayed
/// and mapped addresses and timings, then deletes the allocation; for stun:/stuns: sends one
/// Binding request. Never throws for a server problem: the result says what went wrong.
/// Backs the Test-WrtcIceServer cmdlet.
/// </summary>
internal static class TurnProbe
{
    public static Task<TurnProbeResult> RunAsync(IceServerUri uri, string? username, string? password, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        RunAsync(uri, username, password, timeout, new TurnSettings(), cancellationToken);

    /// <summary>Probes one STUN or TURN server: a Binding, or an Allocate with the credential.</summary>
    /// <param name="uri">The stun:/stuns:/turn:/turns: URL.</param>
    /// <param name="username">TURN user name (ignored for STUN).</param>
    /// <param name="password">TURN password (ignored for STUN).</param>
    /// <param name="timeout">How long the whole probe may take.</param>
    /// <param name="cancellationToken">Stops the probe.</param>
    /// <param name="settings">TLS trust and clock (and, for turn:, the client's other settings);
    /// <paramref name="timeout"/> replaces its <see cref="TurnSettings.AllocateTimeout"/>.</param>
    public static async Task<TurnProbeResult> RunAsync(IceServerUri uri, string? username, string? password, TimeSpan timeout, TurnSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(settings);
        if (timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "Must be positive.");
        return uri.IsStun
            ? await ProbeStunAsync(uri, timeout, settings, cancellationToken).ConfigureAwait(false)
            : await ProbeTurnAsync(uri, username, password, timeout, settings, cancellationToken).ConfigureAwait(false);
    }

    public static string VerdictText(TurnProbeVerdict verdict) => verdict switch
    {
        TurnProbeVerdict.Ok => "OK",
        TurnProbeVerdict.AuthenticationFailed => "Authentication failed",
        TurnProbeVerdict.NotReachable => "Not reachable",
        TurnProbeVerdict.TimedOut => "Timed out",
        TurnProbeVerdict.TlsError => "TLS error",
        TurnProbeVerdict.AllocationRefused => "Allocation refused",
        _ => "Protocol error",
    };

    public static TurnProbeVerdict ToVerdict(TurnError error) => error switch
    {
        TurnError.AuthenticationFailed => TurnProbeVerdict.AuthenticationFailed,
        TurnError.AllocationRefused => TurnProbeVerdict.AllocationRefused,
        TurnError.NotReachable => TurnProbeVerdict.NotReachable,
        TurnError.TimedOut => TurnProbeVerdict.TimedOut,
        TurnError.TlsError => TurnProbeVerdict.TlsError,
        _ => TurnProbeVerdict.ProtocolError,
    };

    private static string TransportName(IceServerUri uri) =>
        uri.Scheme is IceServerScheme.Turns or IceServerScheme.Stuns ? "tls"
        : uri.Transport == RTCIceProtocol.Tcp ? "tcp" : "udp";

    private static async Task<TurnProbeResult> ProbeTurnAsync(IceServerUri uri, string? username, string? password, TimeSpan timeout, TurnSettings probe, CancellationToken cancellationToken)
    {
        var started = probe.TimeProvider.GetUtcNow();
        var result = new TurnProbeResult { Uri = uri.ToString(), Transport = TransportName(uri), Timestamp = started };
        TurnClientOptions options;
        try
        {
            options = new TurnClientOptions(uri, probe)
            {
                Username = username,
                Password = username is null ? null : password ?? "",
                AllocateTimeout = timeout,
            }.Validate();
        }
        catch (ArgumentException ex)
        {
            return result with { Verdict = TurnProbeVerdict.ProtocolError, Error = ex.Message };
        }
        try
        {
            var client = await TurnClient.AllocateAsync(options, cancellationToken).ConfigureAwait(false);
            try
            {
                return result with
                {
                    ServerAddress = client.ServerEndPoint.ToString(),
                    Reachable = true,
                    Authenticated = username is not null,
                    RelayedAddress = client.RelayedAddress.ToString(),
                    MappedAddress = client.MappedAddress?.ToString(),
                    AllocateMs = client.AllocateTime.TotalMilliseconds,
                    RttMs = client.RoundTripTime.TotalMilliseconds,
                    Verdict = TurnProbeVerdict.Ok,
                    CertificateCheckSkipped = client.CertificateCheckSkipped,
                };
            }
            finally
            {
                await client.CloseAsync().ConfigureAwait(false);
            }
        }
        catch (TurnException ex)
        {
            var verdict = ToVerdict(ex.Error);
            return result with
            {
                ServerAddress = options.ServerEndPoint?.ToString(),
                Reachable = verdict is not (TurnProbeVerdict.NotReachable or TurnProbeVerdict.TimedOut),
                Authenticated = verdict == TurnProbeVerdict.AllocationRefused && username is not null && ex.ErrorCode is not (300 or 401),
                Verdict = verdict,
                ErrorCode = ex.ErrorCode,
                Error = ex.Message,
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return result with { Verdict = TurnProbeVerdict.ProtocolError, Error = $"{ex.GetType().Name}: {ex.Message}" };
        }
    }

    private static async Task<TurnProbeResult> ProbeStunAsync(IceServerUri uri, TimeSpan timeout, TurnSettings probe, CancellationToken cancellationToken)
    {
        var time = probe.TimeProvider;
        var result = new TurnProbeResult { Uri = uri.ToString(), Transport = TransportName(uri), Timestamp = time.GetUtcNow() };
        long start = time.GetTimestamp();
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        ITurnTransport? transport = null;
        IPEndPoint? server = null;
        try
        {
            server = await TurnClient.ResolveAsync(uri.Host, uri.Port, System.Net.Sockets.AddressFamily.InterNetwork, linked.Token).ConfigureAwait(false);
            transport = uri.Scheme == IceServerScheme.Stuns
                ? await StreamTurnTransport.ConnectAsync(server, true, uri.Host, probe.SkipCertificateCheck, probe.CertificateValidationCallback, linked.Token).ConfigureAwait(false)
                : new UdpTurnTransport(server);
            var failed = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
            using var transactions = new StunTransactionManager(f => transport.SendAsync(f, CancellationToken.None), time,
                transport.IsReliable ? StunTransactionOptions.Reliable : StunTransactionOptions.Default);
            var loop = Task.Run(async () =>
            {
                try
                {
                    while (await transport.ReceiveAsync(linked.Token).ConfigureAwait(false) is { } frame) transactions.TryHandleResponse(frame);
                    failed.TrySetResult(new TurnException(TurnError.Closed, $"{server} closed the connection."));
                }
                catch (Exception ex)
                {
                    failed.TrySetResult(ex);
                }
            }, CancellationToken.None);
            var request = new StunMessageBuilder(StunMessageType.BindingRequest, StunTransactionId.NewId()).AddFingerprint().Build();
            var transaction = transactions.SendRequestAsync(request, null, linked.Token);
            var first = await Task.WhenAny(transaction, failed.Task).ConfigureAwait(false);
            if (first != transaction) throw await failed.Task.ConfigureAwait(false);
            var response = await transaction.ConfigureAwait(false);
            if (response.Outcome == StunTransactionOutcome.Timeout) throw new TurnException(TurnError.TimedOut, $"Binding to {server}: no response after {response.RequestsSent} request(s).");
            if (!response.IsSuccess) throw new TurnException(TurnError.AllocationRefused, $"{server} answered Binding with {response.Error}.", response.Error?.Code, response.Error?.Reason);
            string? mapped = response.Response!.TryGetXorAddress(out XorMappedAddress xor) ? xor.EndPoint.ToString()
                : response.Response.TryGet(out MappedAddress plain) ? plain.EndPoint.ToString() : null;
            return result with
            {
                ServerAddress = server.ToString(),
                Reachable = true,
                MappedAddress = mapped,
                AllocateMs = time.GetElapsedTime(start).TotalMilliseconds,
                RttMs = response.Elapsed.TotalMilliseconds,
                Verdict = mapped is null ? TurnProbeVerdict.ProtocolError : TurnProbeVerdict.Ok,
                Error = mapped is null ? "no (XOR-)MAPPED-ADDRESS in the Binding response" : null,
                CertificateCheckSkipped = transport is StreamTurnTransport { CertificateCheckSkipped: true },
            };
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return result with { ServerAddress = server?.ToString(), Verdict = TurnProbeVerdict.TimedOut, Error = $"No Binding response from {uri} within {timeout.TotalSeconds:0.###} s." };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var verdict = ex switch
            {
                TurnException t => ToVerdict(t.Error),
                System.Net.Sockets.SocketException s when s.SocketErrorCode is System.Net.Sockets.SocketError.ConnectionRefused or System.Net.Sockets.SocketError.HostUnreachable or System.Net.Sockets.SocketError.NetworkUnreachable => TurnProbeVerdict.NotReachable,
                _ => TurnProbeVerdict.ProtocolError,
            };
            return result with
            {
                ServerAddress = server?.ToString(),
                Reachable = verdict is not (TurnProbeVerdict.NotReachable or TurnProbeVerdict.TimedOut),
                Verdict = verdict,
                ErrorCode = (ex as TurnException)?.ErrorCode,
                Error = ex.Message,
            };
        }
        finally
        {
            await deadline.CancelAsync().ConfigureAwait(false);
            if (transport is not null) await transport.DisposeAsync().ConfigureAwait(false);
        }
    }
}
