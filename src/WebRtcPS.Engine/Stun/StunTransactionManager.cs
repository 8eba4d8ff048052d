using System.Collections.Concurrent;
namespace WebRtcPS.Engine.Stun;

/// <summary>
/// STUN client transactions over one transport (RFC 8489 §6.2): requests go out through the
/// send delegate and are retransmitted per <see cref="StunTransactionOptions"/>; the owner of
/// the socket feeds every received STUN response to <see cref="TryHandleResponse(StunMessage)"/>,
/// which completes the transaction with the same transaction id.
/// </summary>
internal sealed class StunTransactionManager : IDisposable
{
    private readonly Func<ReadOnlyMemory<byte>, ValueTask> _send;
    private readonly ConcurrentDictionary<StunTransactionId, StunClientTransaction> _pending = new();
    private volatile bool _disposed;

    /// <param name="send">Puts one datagram (or, on TCP/TLS, one framed message) on the wire.</param>
    /// <param name="timeProvider">The clock of the retransmission timers; the system clock when null.</param>
    /// <param name="options">RTO and retransmission counts; <see cref="StunTransactionOptions.Default"/> when null.</param>
    public StunTransactionManager(Func<ReadOnlyMemory<byte>, ValueTask> send, TimeProvider? timeProvider = null, StunTransactionOptions? options = null)
    {
        _send = send ?? throw new ArgumentNullException(nameof(send));
        TimeProvider = timeProvider ?? TimeProvider.System;
        Options = (options ?? StunTransactionOptions.Default).Validate();
    }

    public TimeProvider TimeProvider { get; }
    public StunTransactionOptions Options { get; }

    /// <summary>Transactions sent and not yet completed.</summary>
    public int PendingCount => _pending.Count;

    /// <summary>
    /// Sends <paramref name="request"/> and waits for its response or the timeout (a result,
    /// not an exception). <paramref name="acceptResponse"/> can reject a response, e.g. one
    /// failing MESSAGE-INTEGRITY, which is then treated as never received (RFC 8489 §9.1.4) and
    /// retransmissions continue. Cancellation throws <see cref="OperationCanceledException"/>;
    /// a failing send propagates its exception.
    /// </summary>
    public async Task<StunTransactionResult> SendRequestAsync(StunMessage request, Func<StunMessage, bool>? acceptResponse = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (request.Class != StunClass.Request) throw new ArgumentException("Only requests start client transactions.", nameof(request));
        cancellationToken.ThrowIfCancellationRequested();

        var transaction = new StunClientTransaction(this, request, acceptResponse);
        if (!_pending.TryAdd(request.TransactionId, transaction)) throw new InvalidOperationException($"Transaction {request.TransactionId} is already pending.");
        try
        {
            await transaction.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            transaction.Fail(ex);
        }
        return await transaction.Completion.ConfigureAwait(false);
    }

    /// <summary>Completes the pending transaction this response answers. False when it matches
    /// none (late, duplicate or unsolicited: drop it) or was rejected.</summary>
    public bool TryHandleResponse(StunMessage response) =>
        response.Class is StunClass.SuccessResponse or StunClass.ErrorResponse &&
        _pending.TryGetValue(response.TransactionId, out var transaction) &&
        transaction.TryComplete(response);

    /// <summary>Parses a received datagram and handles it if it is a STUN response.</summary>
    public bool TryHandleResponse(ReadOnlySpan<byte> datagram) =>
        StunMessage.TryParse(datagram, out var message) && TryHandleResponse(message);

    /// <summary>Whether a response with this id would find a pending transaction.</summary>
    public bool IsPending(StunTransactionId transactionId) => _pending.ContainsKey(transactionId);

    internal ValueTask Send(ReadOnlyMemory<byte> datagram) => _send(datagram);

    internal void Remove(StunClientTransaction transaction) =>
        _pending.TryRemove(new KeyValuePair<StunTransactionId, StunClientTransaction>(transaction.TransactionId, transaction));

    /// <summary>Fails every pending transaction with <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        _disposed = true;
        foreach (var transaction in _pending.Values) transaction.Fail(new ObjectDisposedException(nameof(StunTransactionManager)));
    }
}
