using System.Net;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.Tests.TestInfrastructure;
using Xunit;

namespace WebRtcPS.Engine.Tests.Ice;

public sealed class InterfaceAddressSnapshotTests
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(2);

    private sealed class FakeInterfaces
    {
        private int _calls;
        public int Calls => Volatile.Read(ref _calls);
        public ManualResetEventSlim? Gate { get; init; }
        public ManualResetEventSlim Entered { get; } = new();
        public Exception? Failure { get; set; }

        public IReadOnlyList<IceNetworkAddress> Enumerate()
        {
            var n = Interlocked.Increment(ref _calls);
            Entered.Set();
            Gate?.Wait(TimeSpan.FromSeconds(30));
            if (Failure is { } failure) throw failure;
            return [new IceNetworkAddress(IPAddress.Parse($"198.18.0.{n}"), "eth0", false)];
        }
    }

    [Fact]
    public void A_snapshot_younger_than_its_max_age_is_reused()
    {
        var clock = new ManualTimeProvider();
        var nics = new FakeInterfaces();
        var snapshot = new InterfaceAddressSnapshot(nics.Enumerate, MaxAge, clock);

        var first = snapshot.Get();
        clock.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.Same(first, snapshot.Get());
        Assert.Equal(1, nics.Calls);

        clock.Advance(TimeSpan.FromMilliseconds(1));
        var second = snapshot.Get();
        Assert.Equal(2, nics.Calls);
        Assert.Equal(IPAddress.Parse("198.18.0.2"), Assert.Single(second).Address);
    }

    [Fact]
    public void An_address_change_makes_the_next_call_enumerate_again()
    {
        var clock = new ManualTimeProvider();
        var nics = new FakeInterfaces();
        var snapshot = new InterfaceAddressSnapshot(nics.Enumerate, MaxAge, clock);

        snapshot.Get();
        snapshot.Invalidate();
        Assert.Equal(IPAddress.Parse("198.18.0.2"), Assert.Single(snapshot.Get()).Address);
        Assert.Equal(2, snapshot.Enumerations);
    }

    [Fact]
    public void A_caller_waits_for_the_prefetch_under_way_instead_of_enumerating_again()
    {
        var clock = new ManualTimeProvider();
        using var gate = new ManualResetEventSlim();
        var nics = new FakeInterfaces { Gate = gate };
        var snapshot = new InterfaceAddressSnapshot(nics.Enumerate, MaxAge, clock);

        snapshot.Prefetch();
        Assert.True(nics.Entered.Wait(TimeSpan.FromSeconds(30)), "the prefetch never started");
        snapshot.Prefetch(); // one under way: nothing more
        var get = Task.Run(snapshot.Get);
        Assert.False(get.Wait(TimeSpan.FromMilliseconds(50)));
        gate.Set();
        Assert.True(get.Wait(TimeSpan.FromSeconds(30)), "Get did not return after the prefetch completed");
        Assert.Equal(IPAddress.Parse("198.18.0.1"), Assert.Single(get.Result).Address);
        Assert.Equal(1, nics.Calls);
    }

    [Fact]
    public void A_prefetch_that_a_change_overtakes_serves_its_waiters_but_is_not_kept()
    {
        var clock = new ManualTimeProvider();
        using var gate = new ManualResetEventSlim();
        var nics = new FakeInterfaces { Gate = gate };
        var snapshot = new InterfaceAddressSnapshot(nics.Enumerate, MaxAge, clock);

        snapshot.Prefetch();
        Assert.True(nics.Entered.Wait(TimeSpan.FromSeconds(30)));
        var waiting = Task.Run(snapshot.Get);
        SpinWait.SpinUntil(() => waiting.Status == TaskStatus.Running, TimeSpan.FromSeconds(5));
        snapshot.Invalidate();
        gate.Set();
        Assert.True(waiting.Wait(TimeSpan.FromSeconds(30)));
        Assert.Equal(IPAddress.Parse("198.18.0.1"), Assert.Single(waiting.Result).Address);

        Assert.Equal(IPAddress.Parse("198.18.0.2"), Assert.Single(snapshot.Get()).Address);
        Assert.Equal(2, nics.Calls);
    }

    [Fact]
    public void A_fresh_snapshot_makes_a_prefetch_do_nothing()
    {
        var clock = new ManualTimeProvider();
        var nics = new FakeInterfaces();
        var snapshot = new InterfaceAddressSnapshot(nics.Enumerate, MaxAge, clock);

        snapshot.Get();
        snapshot.Prefetch();
        Assert.Equal(1, snapshot.Enumerations);
    }

    [Fact]
    public void A_failed_enumeration_is_thrown_to_its_caller_and_not_kept()
    {
        var clock = new ManualTimeProvider();
        var nics = new FakeInterfaces { Failure = new InvalidOperationException("netlink says no") };
        var snapshot = new InterfaceAddressSnapshot(nics.Enumerate, MaxAge, clock);

        Assert.Equal("netlink says no", Assert.Throws<InvalidOperationException>(snapshot.Get).Message);
        nics.Failure = null;
        Assert.Single(snapshot.Get());
        Assert.Equal(2, nics.Calls);
    }

    [Fact]
    public void A_failed_prefetch_reaches_whoever_waited_and_the_next_call_tries_again()
    {
        var clock = new ManualTimeProvider();
        using var gate = new ManualResetEventSlim();
        var nics = new FakeInterfaces { Gate = gate, Failure = new InvalidOperationException("gone") };
        var snapshot = new InterfaceAddressSnapshot(nics.Enumerate, MaxAge, clock);

        snapshot.Prefetch();
        Assert.True(nics.Entered.Wait(TimeSpan.FromSeconds(30)));
        var waiting = Task.Run(snapshot.Get);
        SpinWait.SpinUntil(() => waiting.Status == TaskStatus.Running, TimeSpan.FromSeconds(5));
        gate.Set();
        // The waiter either joined the failing prefetch (its error) or came after it (a new enumeration, which fails too).
        var ex = Assert.Throws<AggregateException>(() => waiting.Wait(TimeSpan.FromSeconds(30)));
        Assert.IsType<InvalidOperationException>(ex.InnerException);

        nics.Failure = null;
        Assert.Single(snapshot.Get());
    }

    [Fact]
    public void The_operating_systems_addresses_include_loopback()
    {
        // The real enumeration behind the snapshot, twice: the second comes from the snapshot.
        var first = UdpIceNetwork.Instance.GetLocalAddresses();
        Assert.Contains(first, a => a.IsLoopback && a.Address.Equals(IPAddress.Loopback));
        Assert.NotEmpty(UdpIceNetwork.Instance.GetLocalAddresses());
    }
}
