namespace WebRtcPS.Engine.Stun;

/// <summary>
/// One outstanding request (RFC 8489 §6.2.1): sent, retransmitted on an RTO that doubles each
/// time, until a matching response or the timeout. Timer callbacks and responses may race on
/// different threads, so the little state there is sits under one lock; sends happen outside it.
/// </summary>
internal sealed class StunClientTransaction
{
    private readonly object _gate = new();
    private readonly StunTransactionManager _owner;
    private readonly ReadOnlyMemory<byte> _request;
    private readonly StunMethod _method;
    private readonly Func<StunMessage, bool>? _accept;
    private readonly StunTransactionOptions _options;
    private readonly TaskCompletionSource<StunTransactionResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ITimer? _timer;
    private CancellationTokenRegistration _cancellation;
    private int _sent;
    private TimeSpan _rto;
    private long _startTimestamp;
    private bool _done;

    public StunClientTransaction(StunTransactionManager owner, StunMessage request, Func<StunMessage, bool>? accept)
    {
        _owner = owner;
        _request = request.Raw;
        _method = request.Method;
        _accept = accept;
        _options = owner.Options;
        TransactionId = request.TransactionId;
    }

    public StunTransactionId TransactionId { get; }

    public Task<StunTransactionResult> Completion => _completion.Task;

    /// <summary>Sends the first request and arms the retransmission timer.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _startTimestamp = _owner.TimeProvider.GetTimestamp();
        // Counted before the send: an answer may arrive (and finish the transaction) before the
        // send's completion is observed, and it answers this first request.
        lock (_gate)
        {
            _sent = 1;
            _rto = _options.InitialRto;
        }
        await _owner.Send(_request).ConfigureAwait(false);
        lock (_gate)
        {
            if (_done) return;
            var due = _options.IsReliableTransport ? _options.ReliableTimeout : _rto;
            _timer = _owner.TimeProvider.CreateTimer(static s => ((StunClientTransaction)s!).OnTimer(), this, due, Timeout.InfiniteTimeSpan);
        }
        _cancellation = cancellationToken.UnsafeRegister(static (s, ct) => ((StunClientTransaction)s!).Fail(new OperationCanceledException(ct)), this);
    }

    /// <summary>Completes with <paramref name="response"/> if it answers this request; false
    /// (and the transaction goes on) otherwise, e.g. when the caller's check rejects it.</summary>
    public bool TryComplete(StunMessage response)
    {
        if (response.Method != _method || response.Class is not (StunClass.SuccessResponse or StunClass.ErrorResponse)) return false;
        if (_accept is not null && !_accept(response)) return false;
        var outcome = response.Class == StunClass.SuccessResponse ? StunTransactionOutcome.SuccessResponse : StunTransactionOutcome.ErrorResponse;
        return Finish(outcome, response, null);
    }

    public bool Fail(Exception exception) => Finish(default, null, exception);

    private void OnTimer()
    {
        bool timedOut;
        lock (_gate)
        {
            if (_done) return;
            timedOut = _options.IsReliableTransport || _sent >= _options.MaxRequestCount;
            if (!timedOut)
            {
                _sent++;
                _rto *= 2;
                // After the last request wait Rm x the initial RTO (RFC 8489 §6.2.1: 31.5 s -> 39.5 s).
                var due = _sent == _options.MaxRequestCount ? _options.InitialRto * _options.LastRequestWaitMultiplier : _rto;
                _timer?.Change(due, Timeout.InfiniteTimeSpan);
            }
        }
        if (timedOut)
        {
            Finish(StunTransactionOutcome.Timeout, null, null);
            return;
        }
        try
        {
            // The same bytes, so the same transaction id: a retransmission, not a new request.
            var pending = _owner.Send(_request);
            if (!pending.IsCompletedSuccessfully) _ = ObserveAsync(pending);
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
    }

    private async Task ObserveAsync(ValueTask send)
    {
        try
        {
            await send.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
    }

    private bool Finish(StunTransactionOutcome outcome, StunMessage? response, Exception? exception)
    {
        int sent;
        lock (_gate)
        {
            if (_done) return false;
            _done = true;
            _timer?.Dispose();
            sent = _sent;
        }
        _cancellation.Unregister();
        _owner.Remove(this);
        if (exception is OperationCanceledException oce) _completion.TrySetCanceled(oce.CancellationToken);
        else if (exception is not null) _completion.TrySetException(exception);
        else _completion.TrySetResult(new StunTransactionResult(TransactionId, outcome, response, sent, _owner.TimeProvider.GetElapsedTime(_startTimestamp)));
        return true;
    }
}
