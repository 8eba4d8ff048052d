using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WebRtcPS.Engine.Runtime;
using WebRtcPS.Engine.Stun;
using WebRtcPS.Engine.Stun.Attributes;

namespace WebRtcPS.Engine.Turn;

/// <summary>What <see cref="TurnClient.ReceiveFromAsync"/> read: the length copied, the peer and
/// whether it came on a channel (ChannelData) or in a Data indication.</summary>
internal readonly record struct TurnReceiveResult(int Length, IPEndPoint Peer, bool ViaChannel);

/// <summary>
/// A TURN client (RFC 8656) holding one allocation on one server: Allocate with long-term
/// credentials (RFC 8489 §9.2), Refresh before the lifetime ends, permissions and channel
/// bindings created on demand and refreshed, data relayed as ChannelData or Send/Data
/// indications. Created by <see cref="AllocateAsync"/>; <see cref="DisposeAsync"/> deletes the
/// allocation (Refresh with LIFETIME 0).
/// </summary>
/// <remarks>
/// Concurrency: one <see cref="SerialLoop"/> owns the protocol state (credentials, permissions,
/// channels, the lifetime) and the three refresh deadlines; it is changed only by work items on
/// that loop, which never block. Requests are I/O and run off the loop; what their answers change
/// is posted back to it. The send and receive paths read an immutable snapshot of the routes
/// (permitted addresses, channels) that the loop publishes after each change, so relayed data
/// never waits for the loop. One receive loop reads the server; transactions complete from it.
/// Nothing a peer or the server sends can throw: bad input is dropped and counted.
/// </remarks>
internal sealed partial class TurnClient : IAsyncDisposable
{
    private const int MaxNonceRetries = 3;
    private const int MaxQueuedPerPeer = 32;

    private readonly TurnClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly ITurnTransport _transport;
    private readonly StunTransactionManager _transactions;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<TurnException> _transportFailed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Channel<Received> _received;
    private readonly SerialLoop _loop;
    private Task _receiveLoop = Task.CompletedTask;
    private int _closed;

    // Owned by the loop (written only there; _auth and the lifetime are read as published snapshots).
    private readonly Dictionary<IPAddress, Permission> _permissions = [];
    private readonly Dictionary<IPEndPoint, Binding> _channelsByPeer = [];
    private readonly Dictionary<ushort, Binding> _channelsByNumber = [];
    private ushort _nextChannel = ChannelData.MinChannel;
    private volatile AuthState? _auth;
    private long _lifetimeTicks;
    private long _droppedPackets, _strayResponses, _refreshCount, _permissionRefreshCount, _channelRefreshCount;
    private string? _lastError;

    private sealed record AuthState(string Realm, string Nonce, byte[] Key);

    private readonly record struct Received(byte[] Data, IPEndPoint Peer, bool ViaChannel);

    private sealed class Permission
    {
        public Task? Pending;
        public bool Installed;
        public List<(byte[] Data, IPEndPoint Peer)> Queue = [];
    }

    private sealed class Binding(ushort number, IPEndPoint peer)
    {
        public ushort Number { get; } = number;
        public IPEndPoint Peer { get; } = peer;
        public bool Bound;
        public Task? Pending;
    }

    private TurnClient(TurnClientOptions options, ITurnTransport transport)
    {
        _options = options;
        _time = options.TimeProvider;
        _log = options.Logger ?? NullLogger.Instance;
        _transport = transport;
        var transactionOptions = transport.IsReliable
            ? (options.TransactionOptions ?? StunTransactionOptions.Default) with { IsReliableTransport = true }
            : options.TransactionOptions ?? StunTransactionOptions.Default;
        _loop = new SerialLoop("TURN client loop", _time, _log, TurnLog.LoopWorkFailed);
        _allocationRefresh = _loop.CreateDeadline(OnAllocationRefreshDue);
        _permissionRefresh = _loop.CreateDeadline(OnPermissionRefreshDue);
        _channelRefresh = _loop.CreateDeadline(OnChannelRefreshDue);
        _transactions = new StunTransactionManager(frame => _transport.SendAsync(frame, CancellationToken.None), _time, transactionOptions);
        _received = Channel.CreateBounded<Received>(new BoundedChannelOptions(options.ReceiveQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        }, _ => Interlocked.Increment(ref _droppedPackets));
        if (transport is StreamTurnTransport stream)
        {
            CertificateErrors = stream.CertificateErrors;
            CertificateCheckSkipped = stream.CertificateCheckSkipped;
        }
    }

    /// <summary>The relayed transport address (XOR-RELAYED-ADDRESS): peers send here.</summary>
    public IPEndPoint RelayedAddress { get; private set; } = new(IPAddress.None, 0);

    /// <summary>Our address as the server saw it (XOR-MAPPED-ADDRESS).</summary>
    public IPEndPoint? MappedAddress { get; private set; }

    /// <summary>The server address in use (after any ALTERNATE-SERVER redirection).</summary>
    public IPEndPoint ServerEndPoint => _transport.RemoteEndPoint;

    /// <summary>Our end of the client-to-server connection.</summary>
    public IPEndPoint LocalEndPoint => _transport.LocalEndPoint;

    public TurnTransportKind Transport => _transport.Kind;

    /// <summary>The lifetime granted by the last Allocate or Refresh.</summary>
    public TimeSpan Lifetime
    {
        get => TimeSpan.FromTicks(Volatile.Read(ref _lifetimeTicks));
        private set => Volatile.Write(ref _lifetimeTicks, value.Ticks);
    }

    public string? Realm => _auth?.Realm;

    /// <summary>From the start of <see cref="AllocateAsync"/> to the allocation (connect and TLS included).</summary>
    public TimeSpan AllocateTime { get; private set; }

    /// <summary>Round-trip time of the successful Allocate transaction.</summary>
    public TimeSpan RoundTripTime { get; private set; }

    /// <summary>The server that redirected us with 300 (Try Alternate), when that happened.</summary>
    public IPEndPoint? RedirectedFrom { get; private set; }

    /// <summary>TLS only: what the certificate check found (None when it passed).</summary>
    public SslPolicyErrors CertificateErrors { get; }

    /// <summary>TLS only: true when a certificate with problems was accepted because
    /// <see cref="TurnSettings.SkipCertificateCheck"/> was set.</summary>
    public bool CertificateCheckSkipped { get; }

    /// <summary>Successful allocation Refreshes (the timer's and explicit ones).</summary>
    public long RefreshCount => Interlocked.Read(ref _refreshCount);
    public long PermissionRefreshCount => Interlocked.Read(ref _permissionRefreshCount);
    public long ChannelRefreshCount => Interlocked.Read(ref _channelRefreshCount);

    /// <summary>Received frames that were malformed, unsolicited or overflowed the queue; sends dropped for want of a permission.</summary>
    public long DroppedPackets => Interlocked.Read(ref _droppedPackets);

    /// <summary>Responses matching no pending transaction (late answers to retransmissions, or unsolicited); ignored.</summary>
    public long StrayResponses => Interlocked.Read(ref _strayResponses);

    /// <summary>The last background failure (refresh, permission, channel), for diagnostics.</summary>
    public string? LastError => Volatile.Read(ref _lastError);

    /// <summary>True while the allocation exists and the connection to the server is up.</summary>
    public bool IsActive => Volatile.Read(ref _closed) == 0 && !_transportFailed.Task.IsCompleted;

    /// <summary>Completes when the connection to the server fails or the allocation is lost.</summary>
    public Task<TurnException> Failed => _transportFailed.Task;

    /// <summary>
    /// Connects to the server and allocates a relayed address. Failures are
    /// <see cref="TurnException"/>s whose <see cref="TurnException.Error"/> is the diagnosis;
    /// cancellation by <paramref name="cancellationToken"/> stays an OperationCanceledException.
    /// </summary>
    public static async Task<TurnClient> AllocateAsync(TurnClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        long start = options.TimeProvider.GetTimestamp();
        using var timeout = new CancellationTokenSource(options.AllocateTimeout, options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var server = options.ServerEndPoint ?? await ResolveAsync(options.Server.Host, options.Server.Port, options.RelayAddressFamily, linked.Token).ConfigureAwait(false);
            IPEndPoint? redirectedFrom = null;
            for (int hop = 0; ; hop++)
            {
                var transport = await ConnectAsync(options, server, linked.Token).ConfigureAwait(false);
                var client = new TurnClient(options, transport) { RedirectedFrom = redirectedFrom };
                try
                {
                    client.StartReceiving();
                    await client.AllocateCoreAsync(linked.Token).ConfigureAwait(false);
                    client.AllocateTime = options.TimeProvider.GetElapsedTime(start);
                    await client.StartRefreshingAsync().ConfigureAwait(false);
                    if (options.Logger is { } logger)
                        TurnLog.Allocated(logger, options.Server.ToString(), client.Transport, client.RelayedAddress.ToString(), client.MappedAddress?.ToString(), client.Lifetime.TotalSeconds, client.AllocateTime.TotalMilliseconds);
                    return client;
                }
                catch (AlternateServerException alternate) when (hop == 0 && options.FollowAlternateServer)
                {
                    await client.AbandonAsync().ConfigureAwait(false);
                    if (options.Logger is { } logger) TurnLog.Redirected(logger, server.ToString(), alternate.Server.ToString());
                    redirectedFrom = server;
                    server = alternate.Server;
                }
                catch
                {
                    await client.AbandonAsync().ConfigureAwait(false);
                    throw;
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw Logged(options, new TurnException(TurnError.TimedOut, $"No allocation on {options.Server} within {options.AllocateTimeout.TotalSeconds:0.###} s."));
        }
        catch (AlternateServerException alternate)
        {
            throw Logged(options, new TurnException(TurnError.AllocationRefused, $"{options.Server} redirected again (300 Try Alternate to {alternate.Server}); only one redirection is followed.", 300, "Try Alternate"));
        }
        catch (TurnException ex) when (options.Logger is { } logger)
        {
            TurnLog.AllocationFailed(logger, options.Server.ToString(), ex.Error, ex.Message);
            throw;
        }
    }

    private static TurnException Logged(TurnClientOptions options, TurnException ex)
    {
        if (options.Logger is { } logger) TurnLog.AllocationFailed(logger, options.Server.ToString(), ex.Error, ex.Message);
        return ex;
    }

    internal static async Task<IPEndPoint> ResolveAsync(string host, int port, AddressFamily preferred, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out var literal)) return new IPEndPoint(literal, port);
        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            throw new TurnException(TurnError.NotReachable, $"Cannot resolve '{host}': {ex.Message}", innerException: ex);
        }
        var address = addresses.FirstOrDefault(a => a.AddressFamily == preferred) ?? addresses.FirstOrDefault()
            ?? throw new TurnException(TurnError.NotReachable, $"'{host}' has no address.");
        return new IPEndPoint(address, port);
    }

    private static async Task<ITurnTransport> ConnectAsync(TurnClientOptions options, IPEndPoint server, CancellationToken cancellationToken)
    {
        switch (options.TransportKind)
        {
            case TurnTransportKind.Udp:
                try
                {
                    return new UdpTurnTransport(server);
                }
                catch (SocketException ex)
                {
                    throw new TurnException(TurnError.NotReachable, $"Cannot send to {server}: {ex.SocketErrorCode} ({ex.Message}).", innerException: ex);
                }
            default:
                bool tls = options.TransportKind == TurnTransportKind.Tls;
                return await StreamTurnTransport.ConnectAsync(server, tls, options.TlsTargetHost ?? options.Server.Host,
                    options.SkipCertificateCheck, options.CertificateValidationCallback, cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed class AlternateServerException(IPEndPoint server) : Exception("300 Try Alternate")
    {
        public IPEndPoint Server { get; } = server;
    }

    private async Task AllocateCoreAsync(CancellationToken cancellationToken)
    {
        var (response, rtt) = await RequestAsync(StunMethod.Allocate, b =>
        {
            b.Add(new RequestedTransport(RequestedTransport.Udp));
            if (_options.RelayAddressFamily == AddressFamily.InterNetworkV6) b.Add(new RequestedAddressFamily(StunAddressFamily.IPv6));
            if (_options.RequestedLifetime is { } lifetime) b.Add(new Lifetime((uint)lifetime.TotalSeconds));
        }, cancellationToken, allocating: true).ConfigureAwait(false);
        if (!response.TryGetXorAddress(out XorRelayedAddress relayed))
            throw new TurnException(TurnError.ProtocolError, $"{ServerEndPoint} answered Allocate without XOR-RELAYED-ADDRESS.");
        RelayedAddress = relayed.EndPoint;
        MappedAddress = response.TryGetXorAddress(out XorMappedAddress mapped) ? mapped.EndPoint : null;
        Lifetime = response.TryGet(out Lifetime granted) ? TimeSpan.FromSeconds(granted.Seconds) : TimeSpan.FromMinutes(10);
        RoundTripTime = rtt;
    }

    /// <summary>
    /// Sends one request with long-term credentials and returns the success response. Handles
    /// 401 (learn REALM/NONCE, retry once with credentials), 438 (new NONCE, retry) and, while
    /// allocating, 300 (Try Alternate). Other errors, a 401 after credentials, a timeout or the
    /// connection failing throw <see cref="TurnException"/>.
    /// </summary>
    private async Task<(StunMessage Response, TimeSpan Rtt)> RequestAsync(StunMethod method, Action<StunMessageBuilder> addAttributes, CancellationToken cancellationToken, bool allocating = false)
    {
        bool sentCredentials = false;
        for (int attempt = 0; ; attempt++)
        {
            var auth = _auth;
            var builder = new StunMessageBuilder(new StunMessageType(method, StunClass.Request), StunTransactionId.NewId());
            addAttributes(builder);
            if (auth is not null && _options.Username is not null)
            {
                builder.Add(new Username(_options.Username));
                builder.Add(new Realm(auth.Realm));
                builder.Add(new Nonce(auth.Nonce));
                builder.AddMessageIntegrity(auth.Key);
                sentCredentials = true;
            }
            builder.AddFingerprint();
            var request = builder.Build();
            var result = await TransactAsync(request, auth, cancellationToken).ConfigureAwait(false);
            if (result.Outcome == StunTransactionOutcome.Timeout)
                throw new TurnException(TurnError.TimedOut, $"{method} to {ServerEndPoint} ({Transport}): no response after {result.RequestsSent} request(s), {result.Elapsed.TotalSeconds:0.#} s.");
            var response = result.Response!;
            if (response.Class == StunClass.SuccessResponse) return (response, result.Elapsed);

            int code = result.Error?.Code ?? 0;
            string reason = result.Error?.Reason ?? "";
            if (code is StunErrorCodes.Unauthorized or StunErrorCodes.StaleNonce) TurnLog.Challenged(_log, method.ToString(), code, ServerEndPoint.ToString(), response.TryGet(out Realm challengeRealm) ? challengeRealm.Value : auth?.Realm);
            if (code == StunErrorCodes.Unauthorized && !sentCredentials && _options.Username is not null && attempt < MaxNonceRetries)
            {
                if (await LearnChallengeAsync(response, auth?.Realm).ConfigureAwait(false) is false) throw new TurnException(TurnError.ProtocolError, $"{method}: 401 from {ServerEndPoint} without a usable REALM and NONCE.", code, reason);
                continue;
            }
            if (code == StunErrorCodes.StaleNonce && attempt < MaxNonceRetries && _options.Username is not null)
            {
                if (await LearnChallengeAsync(response, auth?.Realm).ConfigureAwait(false) is false) throw new TurnException(TurnError.ProtocolError, $"{method}: 438 from {ServerEndPoint} without a usable NONCE.", code, reason);
                sentCredentials = false;
                continue;
            }
            if (code == StunErrorCodes.Unauthorized)
            {
                var who = _options.Username is null ? "no credentials were given" : $"user '{_options.Username}', realm '{auth?.Realm}'";
                throw new TurnException(TurnError.AuthenticationFailed, $"{ServerEndPoint} rejected the credentials ({who}): {code} {reason}.", code, reason);
            }
            if (code == 300 && allocating)
            {
                if (response.TryGet(out AlternateServer alternate) && alternate.EndPoint.Port != 0) throw new AlternateServerException(alternate.EndPoint);
                throw new TurnException(TurnError.ProtocolError, $"{ServerEndPoint}: 300 Try Alternate without ALTERNATE-SERVER.", code, reason);
            }
            var error = code == StunErrorCodes.AllocationMismatch && !allocating ? TurnError.Closed : TurnError.AllocationRefused;
            throw new TurnException(error, $"{ServerEndPoint} refused {method}: {code} {reason}.", code, reason);
        }
    }

    /// <summary>Learns REALM and NONCE from a 401/438: the new credential state is made here and
    /// installed on the loop, which owns it. False when the response has no usable challenge.</summary>
    private async Task<bool> LearnChallengeAsync(StunMessage response, string? previousRealm)
    {
        if (!response.TryGet(out Nonce nonce) || string.IsNullOrEmpty(nonce.Value)) return false;
        string? realm = response.TryGet(out Realm r) && !string.IsNullOrEmpty(r.Value) ? r.Value : previousRealm;
        if (realm is null || _options.Username is null || _options.Password is null) return false;
        var current = _auth;
        byte[] key;
        try
        {
            // What the server sent must also be sendable back (at most 127 characters, RFC 8489
            // §14.9-14.10) and preparable (SASLprep): a server that breaks this is a protocol error.
            _ = new Realm(realm);
            _ = new Nonce(nonce.Value);
            key = current is not null && current.Realm == realm ? current.Key : StunCredentials.LongTermKey(_options.Username, realm, _options.Password);
        }
        catch (ArgumentException)
        {
            return false;
        }
        var learned = new AuthState(realm, nonce.Value, key);
        await OnLoopAsync(() => _auth = learned).ConfigureAwait(false);
        return true;
    }

    /// <summary>One transaction, raced against the connection failing. Success responses must
    /// carry valid MESSAGE-INTEGRITY when we authenticated (RFC 8489 §9.2.5); others are discarded.</summary>
    private async Task<StunTransactionResult> TransactAsync(StunMessage request, AuthState? auth, CancellationToken cancellationToken)
    {
        if (_transportFailed.Task.IsCompleted) throw Rethrow(_transportFailed.Task.Result);
        Task<StunTransactionResult> transaction;
        try
        {
            transaction = _transactions.SendRequestAsync(request, response =>
                auth is null || response.Class == StunClass.ErrorResponse ||
                StunCredentials.CheckIntegrity(response, auth.Key) == StunIntegrityStatus.Valid, cancellationToken);
        }
        catch (ObjectDisposedException ex)
        {
            throw new TurnException(TurnError.Closed, "The TURN client is closed.", innerException: ex);
        }
        var first = await Task.WhenAny(transaction, _transportFailed.Task).ConfigureAwait(false);
        if (first != transaction)
        {
            _ = transaction.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw Rethrow(_transportFailed.Task.Result);
        }
        try
        {
            return await transaction.ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            throw ClassifySocketError(ex);
        }
        catch (ObjectDisposedException ex)
        {
            throw new TurnException(TurnError.Closed, "The TURN client is closed.", innerException: ex);
        }
        catch (IOException ex)
        {
            throw new TurnException(TurnError.Closed, $"The connection to {ServerEndPoint} failed: {ex.Message}", innerException: ex);
        }
    }

    private static TurnException Rethrow(TurnException failure) =>
        new(failure.Error, failure.Message, failure.ErrorCode, failure.Reason, failure);

    private TurnException ClassifySocketError(SocketException ex) => ex.SocketErrorCode switch
    {
        SocketError.ConnectionRefused or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostDown
            => new TurnException(TurnError.NotReachable, $"{ServerEndPoint} ({Transport}) is not reachable: {ex.SocketErrorCode} ({ex.Message}).", innerException: ex),
        _ => new TurnException(TurnError.Closed, $"The connection to {ServerEndPoint} failed: {ex.SocketErrorCode} ({ex.Message}).", innerException: ex),
    };

    /// <summary>The connection or the allocation is lost: pending and future requests fail with
    /// <paramref name="failure"/>; what was already received can still be read, then
    /// <see cref="ReceiveFromAsync"/> throws ObjectDisposedException (the end of this socket for ICE).</summary>
    private void Fail(TurnException failure)
    {
        if (!_transportFailed.TrySetResult(failure)) return;
        Volatile.Write(ref _lastError, failure.Message);
        if (Volatile.Read(ref _closed) == 0) TurnLog.ConnectionLost(_log, ServerEndPoint.ToString(), failure.Error, failure.Message);
        _received.Writer.TryComplete();
    }
}
