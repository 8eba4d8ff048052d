using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace WebRtcPS.Engine.Tests.Faults;

/// <summary>The relay over real loopback sockets: two plain UDP sockets play A and B.</summary>
public class ImpairmentRelayTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>A socket playing one peer, collecting the sequence numbers it receives.</summary>
    private sealed class Peer : IDisposable
    {
        private readonly CancellationTokenSource _cts = new();
        private readonly List<int> _received = [];
        private readonly Task _loop;

        public Peer()
        {
            Socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 4 * 1024 * 1024 };
            Socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _loop = Task.Run(async () =>
            {
                var buffer = new byte[65536];
                try
                {
                    while (true)
                    {
                        var r = await Socket.ReceiveAsync(buffer, SocketFlags.None, _cts.Token);
                        lock (_received) _received.Add(BinaryPrimitives.ReadInt32BigEndian(buffer));
                    }
                }
                catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
                {
                }
            });
        }

        public Socket Socket { get; }
        public IPEndPoint EndPoint => (IPEndPoint)Socket.LocalEndPoint!;

        public int[] Received
        {
            get { lock (_received) return [.. _received]; }
        }

        public void Send(IPEndPoint to, int sequence, int size = 100)
        {
            var data = new byte[size];
            BinaryPrimitives.WriteInt32BigEndian(data, sequence);
            Socket.SendTo(data, to);
        }

        public void Dispose()
        {
            _cts.Cancel();
            Socket.Dispose();
            _loop.Wait(Patience);
            _cts.Dispose();
        }
    }

    /// <summary>Sends <paramref name="n"/> numbered datagrams A to B in small bursts, each burst
    /// read by the relay before the next (so the kernel drops none beside the relay's decisions).</summary>
    private static async Task SendAsync(ImpairmentRelay relay, Peer a, int n, Func<int, int>? size = null)
    {
        for (var i = 0; i < n; i++)
        {
            a.Send(relay.EndpointForA, i, size?.Invoke(i) ?? 100);
            if (i % 50 == 49 || i == n - 1)
            {
                var expected = i + 1;
                await Poll.UntilAsync(() => relay.AToB.Policy.Datagrams >= expected, Patience, $"the relay to read {expected} datagrams");
            }
        }
    }

    private static async Task<int[]> ReceivedAsync(Peer b, long count)
    {
        await Poll.UntilAsync(() => b.Received.Length >= count, Patience, $"{count} datagrams at B");
        await Task.Delay(50);   // anything beyond would be a bug: give it a moment to show
        return b.Received;
    }

    [Fact]
    public async Task Counts_match_what_a_policy_with_the_same_seed_decides()
    {
        var profile = new ImpairmentProfile { LossRate = 0.2, DuplicateRate = 0.1, ReorderRate = 0.1, MaxDatagramSize = 1000 };
        using var a = new Peer();
        using var b = new Peer();
        await using var relay = ImpairmentRelay.Start(profile, seed: 42);
        relay.PeerB = b.EndPoint;
        const int n = 1000;
        Func<int, int> size = i => i % 97 == 0 ? 1400 : 100;
        await SendAsync(relay, a, n, size);

        var expected = new ImpairmentPolicy(profile, ImpairmentRelay.SeedOf(42, aToB: true));
        var fates = Enumerable.Range(0, n).Select(i => expected.Next(size(i))).ToArray();
        var forwarded = fates.Sum(f => f.Forwarded ? f.Duplicated ? 2 : 1 : 0);
        var received = await ReceivedAsync(b, forwarded);

        Assert.Equal(forwarded, received.Length);
        Assert.Equal(forwarded, relay.AToB.Sent);
        Assert.Equal(expected.Lost, relay.AToB.Policy.Lost);
        Assert.Equal(expected.TooLarge, relay.AToB.Policy.TooLarge);
        Assert.Equal(expected.Duplicated, relay.AToB.Policy.Duplicated);
        Assert.Equal(expected.Reordered, relay.AToB.Policy.Reordered);
        Assert.True(expected.Lost > 0 && expected.TooLarge > 0 && expected.Duplicated > 0 && expected.Reordered > 0);
        // Exactly the datagrams the policy let through arrived, duplicates twice.
        var wanted = Enumerable.Range(0, n).SelectMany(i => Enumerable.Repeat(i, fates[i].Forwarded ? fates[i].Duplicated ? 2 : 1 : 0));
        Assert.Equal(wanted, received.Order());
    }

    [Fact]
    public async Task Without_reordering_or_jitter_the_order_is_kept_even_with_delay()
    {
        var profile = new ImpairmentProfile { LossRate = 0.1, DuplicateRate = 0.1, Delay = TimeSpan.FromMilliseconds(5) };
        using var a = new Peer();
        using var b = new Peer();
        await using var relay = ImpairmentRelay.Start(profile, seed: 1);
        relay.PeerB = b.EndPoint;
        await SendAsync(relay, a, 500);
        var received = await ReceivedAsync(b, relay.AToB.Sent);
        Assert.Equal(received.Order(), received);
        Assert.Equal(relay.AToB.Sent, received.Length);
    }

    [Fact]
    public async Task Reordered_datagrams_are_overtaken_and_none_is_lost()
    {
        var profile = new ImpairmentProfile { ReorderRate = 0.1, ReorderHold = TimeSpan.FromMilliseconds(20) };
        using var a = new Peer();
        using var b = new Peer();
        await using var relay = ImpairmentRelay.Start(profile, seed: 9);
        relay.PeerB = b.EndPoint;
        await SendAsync(relay, a, 500);
        var received = await ReceivedAsync(b, 500);
        Assert.Equal(Enumerable.Range(0, 500), received.Order());
        Assert.NotEqual(received.Order(), received);
        Assert.True(relay.AToB.Policy.Reordered > 0);
    }

    [Fact]
    public async Task Delay_holds_each_datagram_at_least_that_long()
    {
        using var a = new Peer();
        using var b = new Peer();
        await using var relay = ImpairmentRelay.Start(new ImpairmentProfile { Delay = TimeSpan.FromMilliseconds(100) }, seed: 1);
        relay.PeerB = b.EndPoint;
        var clock = Stopwatch.StartNew();
        a.Send(relay.EndpointForA, 1);
        await ReceivedAsync(b, 1);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(95), $"arrived after {clock.Elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task Replies_go_back_to_the_address_the_relay_learnt_and_a_blackout_cuts_both_ways()
    {
        using var a = new Peer();
        using var b = new Peer();
        await using var relay = ImpairmentRelay.Start(ImpairmentProfile.None, seed: 1);
        relay.PeerB = b.EndPoint;
        a.Send(relay.EndpointForA, 1);
        await ReceivedAsync(b, 1);
        Assert.Equal(a.EndPoint, relay.PeerA);
        b.Send(relay.EndpointForB, 2);
        Assert.Equal(2, Assert.Single(await ReceivedAsync(a, 1)));

        relay.Blackout = true;
        a.Send(relay.EndpointForA, 3);
        b.Send(relay.EndpointForB, 4);
        await Poll.UntilAsync(() => relay.AToB.Policy.BlackedOut == 1 && relay.BToA.Policy.BlackedOut == 1, Patience, "both blacked out");
        relay.Blackout = false;
        relay.BlackoutFor(TimeSpan.FromSeconds(30));
        a.Send(relay.EndpointForA, 5);
        await Poll.UntilAsync(() => relay.AToB.Policy.BlackedOut == 2, Patience, "the timed blackout");
        relay.BlackoutFor(TimeSpan.Zero);
        a.Send(relay.EndpointForA, 6);
        var atB = await ReceivedAsync(b, 2);
        Assert.Equal(1, atB[0]);
        Assert.Equal(6, atB[1]);
        Assert.Equal(2, atB.Length);
        Assert.Equal(2, Assert.Single(a.Received));
    }
}
