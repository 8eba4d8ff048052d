using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;

namespace WebRtcPS.Engine.Ice;

/// <summary>
/// An in-process IP network for deterministic ICE tests: hosts with made-up addresses, UDP
/// sockets that deliver through channels, seeded random loss, and a blackhole per address or
/// transport address. No packet ever reaches the operating system.
/// </summary>
/// <remarks>Loss draws come from one seeded <see cref="Random"/> under a lock, so a test
/// reproduces from its seed as long as its sends happen in the same order.</remarks>
internal sealed class VirtualIceNetwork
{
    private readonly object _gate = new();
    private readonly Random _random;
    private readonly ConcurrentDictionary<IPEndPoint, VirtualSocket> _sockets = new();
    private readonly HashSet<IPAddress> _blackholedAddresses = [];
    private readonly HashSet<IPEndPoint> _blackholedEndPoints = [];
    private int _nextPort = 40000;
    private long _delivered, _dropped;

    public VirtualIceNetwork(int seed = 1) => _random = new Random(seed);

    /// <summary>Probability (0..1) that any datagram is lost.</summary>
    public double LossRate { get; set; }

    /// <summary>Optional extra rule: return false to drop a datagram (from, to, bytes).</summary>
    public Func<IPEndPoint, IPEndPoint, ReadOnlyMemory<byte>, bool>? Filter { get; set; }

    public long Delivered => Interlocked.Read(ref _delivered);
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>A host whose interfaces carry <paramref name="addresses"/>.</summary>
    public IIceNetwork CreateHost(params IPAddress[] addresses) => new Host(this, addresses);

    /// <summary>Drops everything sent from or to <paramref name="address"/> (a host gone dark).</summary>
    public void Blackhole(IPAddress address)
    {
        lock (_gate) _blackholedAddresses.Add(address);
    }

    /// <summary>Drops everything sent from or to one transport address.</summary>
    public void Blackhole(IPEndPoint endPoint)
    {
        lock (_gate) _blackholedEndPoints.Add(endPoint);
    }

    public void ClearBlackholes()
    {
        lock (_gate)
        {
            _blackholedAddresses.Clear();
            _blackholedEndPoints.Clear();
        }
    }

    /// <summary>Delivers <paramref name="datagram"/> to <paramref name="to"/> as if sent from
    /// <paramref name="from"/> (a spoofed source, for robustness tests); no loss applied.</summary>
    public bool Inject(IPEndPoint from, IPEndPoint to, ReadOnlyMemory<byte> datagram) =>
        _sockets.TryGetValue(Normalize(to), out var target) && target.Deliver(datagram.ToArray(), from);

    private VirtualSocket Bind(IPEndPoint local)
    {
        lock (_gate)
        {
            var port = local.Port;
            if (port == 0)
            {
                do port = _nextPort++; while (_sockets.ContainsKey(new IPEndPoint(local.Address, port)));
            }
            var endPoint = new IPEndPoint(local.Address, port);
            var socket = new VirtualSocket(this, endPoint);
            if (!_sockets.TryAdd(endPoint, socket)) throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.AddressAlreadyInUse);
            return socket;
        }
    }

    private void Send(VirtualSocket from, ReadOnlyMemory<byte> datagram, IPEndPoint to)
    {
        bool drop;
        lock (_gate)
        {
            drop = _blackholedAddresses.Contains(from.LocalEndPoint.Address) || _blackholedAddresses.Contains(to.Address) ||
                   _blackholedEndPoints.Contains(from.LocalEndPoint) || _blackholedEndPoints.Contains(to) ||
                   (LossRate > 0 && _random.NextDouble() < LossRate);
        }
        if (!drop && Filter is { } filter && !filter(from.LocalEndPoint, to, datagram)) drop = true;
        if (drop || !_sockets.TryGetValue(Normalize(to), out var target) || !target.Deliver(datagram.ToArray(), from.LocalEndPoint))
        {
            Interlocked.Increment(ref _dropped);
            return;
        }
        Interlocked.Increment(ref _delivered);
    }

    private static IPEndPoint Normalize(IPEndPoint endPoint) =>
        endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;

    private void Unbind(VirtualSocket socket) => _sockets.TryRemove(new KeyValuePair<IPEndPoint, VirtualSocket>(socket.LocalEndPoint, socket));

    private sealed class Host(VirtualIceNetwork network, IPAddress[] addresses) : IIceNetwork
    {
        public IReadOnlyList<IceNetworkAddress> GetLocalAddresses() =>
            addresses.Select((a, i) => new IceNetworkAddress(a, IPAddress.IsLoopback(a) ? "lo" : $"veth{i}", IPAddress.IsLoopback(a))).ToArray();

        public IIcePacketSocket BindUdp(IPEndPoint localEndPoint)
        {
            if (!addresses.Contains(localEndPoint.Address)) throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.AddressNotAvailable);
            return network.Bind(localEndPoint);
        }
    }

    private sealed class VirtualSocket(VirtualIceNetwork network, IPEndPoint localEndPoint) : IIcePacketSocket
    {
        private readonly Channel<(byte[] Data, IPEndPoint From)> _inbox = Channel.CreateUnbounded<(byte[], IPEndPoint)>(new UnboundedChannelOptions { SingleReader = true });
        private volatile bool _disposed;

        public IPEndPoint LocalEndPoint { get; } = localEndPoint;

        public bool Deliver(byte[] data, IPEndPoint from) => !_disposed && _inbox.Writer.TryWrite((data, from));

        public ValueTask SendToAsync(ReadOnlyMemory<byte> datagram, IPEndPoint remote, CancellationToken cancellationToken = default)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            network.Send(this, datagram, remote);
            return ValueTask.CompletedTask;
        }

        public async ValueTask<IcePacketReceiveResult> ReceiveFromAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            (byte[] Data, IPEndPoint From) item;
            try
            {
                item = await _inbox.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelClosedException)
            {
                throw new ObjectDisposedException(nameof(VirtualSocket));
            }
            int n = Math.Min(item.Data.Length, buffer.Length);
            item.Data.AsSpan(0, n).CopyTo(buffer.Span);
            return new IcePacketReceiveResult(n, item.From);
        }

        public ValueTask DisposeAsync()
        {
            _disposed = true;
            _inbox.Writer.TryComplete();
            network.Unbind(this);
            return ValueTask.CompletedTask;
        }

        public override string ToString() => $"virtual udp {LocalEndPoint}";
    }
}
