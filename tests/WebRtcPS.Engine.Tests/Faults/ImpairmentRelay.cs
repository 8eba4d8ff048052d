using System.Net;
using System.Net.Sockets;

namespace WebRtcPS.Engine.Tests.Faults;

/// <summary>
/// A user-space stand-in for netem on loopback: two UDP sockets, one facing peer A and one facing
/// peer B. A is told that B lives at <see cref="EndpointForA"/> and B that A lives at
/// <see cref="EndpointForB"/> (see <see cref="CandidateRewriter"/>); what A sends there comes out
/// of <see cref="EndpointForB"/> to B's real address, and back. Each direction impairs with its
/// own profile and seeded <see cref="ImpairmentPolicy"/>; <see cref="Blackout"/> drops everything
/// both ways while on, for fault tests that cut the path.
/// </summary>
public sealed class ImpairmentRelay : IAsyncDisposable
{
    private readonly Socket _facingA;
    private readonly Socket _facingB;
    private readonly CancellationTokenSource _cts = new();
    private readonly Task _run;
    private volatile bool _blackout;
    private long _blackoutUntil;
    private volatile IPEndPoint? _peerA;
    private volatile IPEndPoint? _peerB;

    private ImpairmentRelay(ImpairmentProfile aToB, ImpairmentProfile bToA, int seed)
    {
        _facingA = Bind();
        _facingB = Bind();
        EndpointForA = (IPEndPoint)_facingA.LocalEndPoint!;
        EndpointForB = (IPEndPoint)_facingB.LocalEndPoint!;
        AToB = new RelayDirection("A->B", _facingA, _facingB, new ImpairmentPolicy(aToB, SeedOf(seed, aToB: true)), () => _peerB, s => _peerA ??= s, IsBlackedOut);
        BToA = new RelayDirection("B->A", _facingB, _facingA, new ImpairmentPolicy(bToA, SeedOf(seed, aToB: false)), () => _peerA, s => _peerB ??= s, IsBlackedOut);
        _run = Task.WhenAll(Task.Run(() => AToB.RunAsync(_cts.Token)), Task.Run(() => BToA.RunAsync(_cts.Token)));
    }

    /// <summary>Starts a relay on two loopback ports with the same profile both ways.</summary>
    public static ImpairmentRelay Start(ImpairmentProfile profile, int seed) => new(profile, profile, seed);

    /// <summary>Starts a relay with a profile per direction.</summary>
    public static ImpairmentRelay Start(ImpairmentProfile aToB, ImpairmentProfile bToA, int seed) => new(aToB, bToA, seed);

    /// <summary>The seed of one direction's <see cref="ImpairmentPolicy"/> for a relay started with <paramref name="seed"/>.</summary>
    public static int SeedOf(int seed, bool aToB) => unchecked(seed * 2 + (aToB ? 0 : 1));

    /// <summary>Where A sends to reach B (the address A must believe is B's).</summary>
    public IPEndPoint EndpointForA { get; }

    /// <summary>Where B sends to reach A.</summary>
    public IPEndPoint EndpointForB { get; }

    /// <summary>A's real address; learned from A's first datagram when not set.</summary>
    public IPEndPoint? PeerA { get => _peerA; set => _peerA = value; }

    /// <summary>B's real address; learned from B's first datagram when not set.</summary>
    public IPEndPoint? PeerB { get => _peerB; set => _peerB = value; }

    public RelayDirection AToB { get; }
    public RelayDirection BToA { get; }

    /// <summary>While true, every datagram is dropped both ways.</summary>
    public bool Blackout { get => _blackout; set => _blackout = value; }

    /// <summary>Drops everything both ways for <paramref name="duration"/> from now.</summary>
    public void BlackoutFor(TimeSpan duration) =>
        Interlocked.Exchange(ref _blackoutUntil, Environment.TickCount64 + (long)duration.TotalMilliseconds);

    private bool IsBlackedOut() => _blackout || Environment.TickCount64 < Interlocked.Read(ref _blackoutUntil);

    /// <summary>One line of counts per direction, for a test's output.</summary>
    public string Describe() => string.Join("; ", new[] { AToB, BToA }.Select(d =>
        $"{d.Name}: {d.Policy.Datagrams} in, {d.Sent} out, {d.Policy.Lost} lost, {d.Policy.Duplicated} duplicated, " +
        $"{d.Policy.Reordered} reordered, {d.Policy.TooLarge} too large, {d.Policy.BlackedOut} blacked out"));

    private static Socket Bind()
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        // Bulk transfers pass through here: ask for deep buffers (the kernel caps them at rmem_max)
        // so that the kernel drops as little as possible beside the seeded decisions.
        s.ReceiveBufferSize = 4 * 1024 * 1024;
        s.SendBufferSize = 4 * 1024 * 1024;
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return s;
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        _facingA.Dispose();
        _facingB.Dispose();
        try
        {
            await _run;
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
        }
        _cts.Dispose();
    }
}
