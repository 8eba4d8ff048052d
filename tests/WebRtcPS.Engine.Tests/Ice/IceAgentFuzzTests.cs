using System.Net;
using WebRtcPS.Engine.Ice;

namespace WebRtcPS.Engine.Tests.Ice;

/// <summary>Peer input never throws: mutated copies of the agents' own STUN traffic are injected
/// (seeded), from a stranger and with the real sender's address, alongside the real packets; the agents still connect and report no internal error.</summary>
public sealed class IceAgentFuzzTests
{
    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public async Task MutatedStun_IsDropped_AndTheAgentsStillConnect(int seed)
    {
        var net = new VirtualIceNetwork(seed);
        var a1 = IPAddress.Parse("198.18.0.1");
        var b1 = IPAddress.Parse("198.18.0.2");
        var attacker = net.CreateHost(IPAddress.Parse("198.18.7.7")).BindUdp(new IPEndPoint(IPAddress.Parse("198.18.7.7"), 0));
        var random = new Random(seed);
        var injected = 0;
        var pending = new List<(byte[] Data, IPEndPoint From, IPEndPoint To)>();
        net.Filter = (from, to, datagram) =>
        {
            if (from.Equals(attacker.LocalEndPoint)) return true;
            lock (pending)
            {
                for (int i = 0; i < 5; i++)
                {
                    var copy = datagram.ToArray();
                    int flips = random.Next(1, 4);
                    for (int f = 0; f < flips; f++) copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
                    if (random.Next(4) == 0) Array.Resize(ref copy, random.Next(copy.Length));
                    // Half from the attacker, half spoofing the real sender.
                    pending.Add((copy, i % 2 == 0 ? attacker.LocalEndPoint : from, to));
                }
            }
            return true;
        };
        var options = new IceAgentOptions { Ta = TimeSpan.FromMilliseconds(5), CheckRto = TimeSpan.FromMilliseconds(50) };
        await using var a = new IceTestPeer("a", options, net.CreateHost(a1));
        await using var b = new IceTestPeer("b", options with { Role = RTCIceRole.Controlled }, net.CreateHost(b1));

        using var stop = new CancellationTokenSource();
        var injector = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                (byte[] Data, IPEndPoint From, IPEndPoint To)[] batch;
                lock (pending)
                {
                    batch = pending.ToArray();
                    pending.Clear();
                }
                foreach (var (data, from, to) in batch)
                {
                    if (from.Equals(attacker.LocalEndPoint)) await attacker.SendToAsync(data, to);
                    else net.Inject(from, to, data);
                    injected++;
                }
                await Task.Delay(1);
            }
        });

        await IceTestPeer.ConnectAsync(a, b);
        await a.WaitConnectedAsync();
        await b.WaitConnectedAsync();
        stop.Cancel();
        await injector;
        await attacker.DisposeAsync();

        Assert.True(injected > 0);
        Assert.Empty((await a.Agent.GetDiagnosticsAsync()).InternalErrors);
        Assert.Empty((await b.Agent.GetDiagnosticsAsync()).InternalErrors);
        // Mutations from the attacker's address fail FINGERPRINT or MESSAGE-INTEGRITY: never a candidate.
        Assert.DoesNotContain((await a.Agent.GetDiagnosticsAsync()).RemoteCandidates, c => c.Address == "198.18.7.7");
    }
}
