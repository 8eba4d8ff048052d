using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace WebRtcPS.Engine.Tests.Faults;

/// <summary>
/// One direction of an <see cref="ImpairmentRelay"/>: datagrams read from one socket are judged by
/// the direction's <see cref="ImpairmentPolicy"/> and, unless dropped, written from the other
/// socket to the far peer, at once or, when delayed, from a schedule ordered by due time (then
/// arrival) so that only jitter and reorder holds change the order.
/// </summary>
public sealed class RelayDirection
{
    private readonly Socket _from;
    private readonly Socket _to;
    private readonly ImpairmentPolicy _policy;
    private readonly Func<IPEndPoint?> _target;
    private readonly Action<IPEndPoint> _sourceSeen;
    private readonly Func<bool> _blackout;
    private readonly object _lock = new();
    private readonly PriorityQueue<(byte[] Data, int Count), (long Due, long Sequence)> _schedule = new();
    private readonly SemaphoreSlim _wake = new(0);
    private long _sequence;

    internal RelayDirection(string name, Socket from, Socket to, ImpairmentPolicy policy, Func<IPEndPoint?> target,
        Action<IPEndPoint> sourceSeen, Func<bool> blackout)
    {
        Name = name;
        _from = from;
        _to = to;
        _policy = policy;
        _target = target;
        _sourceSeen = sourceSeen;
        _blackout = blackout;
    }

    public string Name { get; }

    /// <summary>The seeded decisions taken so far, with their counts.</summary>
    public ImpairmentPolicy Policy => _policy;

    /// <summary>Datagrams written to the far peer (duplicates counted twice).</summary>
    public long Sent => Interlocked.Read(ref _sent);
    private long _sent;

    /// <summary>Datagrams that arrived before the far peer's address was known.</summary>
    public long Unroutable => Interlocked.Read(ref _unroutable);
    private long _unroutable;

    internal async Task RunAsync(CancellationToken ct)
    {
        var scheduler = Task.Run(() => SendScheduledAsync(ct), ct);
        var buffer = new byte[65536];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                SocketReceiveFromResult r;
                try
                {
                    r = await _from.ReceiveFromAsync(buffer, SocketFlags.None, any, ct);
                }
                catch (SocketException)
                {
                    continue;   // e.g. ICMP port unreachable reported on a later read
                }
                _sourceSeen((IPEndPoint)r.RemoteEndPoint);
                Decide(buffer, r.ReceivedBytes);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
        }
        try
        {
            await scheduler;
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private void Decide(byte[] buffer, int count)
    {
        DatagramFate fate;
        lock (_lock) fate = _policy.Next(count, _blackout());
        if (!fate.Forwarded) return;
        var copies = fate.Duplicated ? 2 : 1;
        if (fate.Delay == TimeSpan.Zero)
        {
            for (var i = 0; i < copies; i++) Send(buffer, count);
            return;
        }
        var data = buffer.AsSpan(0, count).ToArray();
        var due = Stopwatch.GetTimestamp() + (long)(fate.Delay.TotalSeconds * Stopwatch.Frequency);
        lock (_lock)
        {
            for (var i = 0; i < copies; i++) _schedule.Enqueue((data, count), (due, _sequence++));
        }
        _wake.Release();
    }

    private async Task SendScheduledAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TimeSpan wait;
            while (true)
            {
                (byte[] Data, int Count) next;
                lock (_lock)
                {
                    if (!_schedule.TryPeek(out next, out var key))
                    {
                        wait = Timeout.InfiniteTimeSpan;
                        break;
                    }
                    var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), key.Due);
                    if (remaining > TimeSpan.Zero)
                    {
                        wait = remaining;
                        break;
                    }
                    _schedule.Dequeue();
                }
                Send(next.Data, next.Count);
            }
            await _wake.WaitAsync(wait, ct);
        }
    }

    private void Send(byte[] data, int count)
    {
        if (_target() is not { } target)
        {
            Interlocked.Increment(ref _unroutable);
            return;
        }
        try
        {
            _to.SendTo(data.AsSpan(0, count), SocketFlags.None, target);
            Interlocked.Increment(ref _sent);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }
}
