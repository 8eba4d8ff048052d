namespace WebRtcPS.Signaling.Server;

/// <summary>
/// One open /receive stream. <see cref="Ended"/> fires when the client goes, the server stops,
/// or a newer stream for the same id takes over (<see cref="WasReplaced"/>).
/// </summary>
internal sealed class Receiver : IDisposable
{
    private readonly CancellationTokenSource _replaced = new();
    private readonly CancellationTokenSource _ended;

    public Receiver(string id, CancellationToken clientGone, CancellationToken serverStopping)
    {
        Id = id;
        ClientGone = clientGone;
        _ended = CancellationTokenSource.CreateLinkedTokenSource(clientGone, serverStopping, _replaced.Token);
    }

    public string Id { get; }

    /// <summary>Cancels writes: only a vanished client interrupts a message mid-write.</summary>
    public CancellationToken ClientGone { get; }

    /// <summary>Cancels waits: any reason to end the stream.</summary>
    public CancellationToken Ended => _ended.Token;

    public bool WasReplaced => _replaced.IsCancellationRequested;

    public void Replace() => _replaced.Cancel();

    // _replaced is never disposed: a takeover may call Replace() after this stream has ended.
    public void Dispose() => _ended.Dispose();
}
