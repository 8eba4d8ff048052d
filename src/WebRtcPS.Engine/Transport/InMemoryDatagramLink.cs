using System.Threading.Channels;

namespace WebRtcPS.Engine.Transport;

/// <summary>Impairments applied to one direction of an <see cref="InMemoryDatagramLink"/>.</summary>
internal sealed record LinkImpairment
{
    public static readonly LinkImpairment None = new();

    /// <summary>Probability (0..1) that a datagram is dropped.</summary>
    public double LossRate { get; init; }

    /// <summary>Probability (0..1) that a datagram is delivered twice.</summary>
    public double DuplicateRate { get; init; }

    /// <summary>Probability (0..1) that a datagram is held back and delivered after the next one.</summary>
    public double ReorderRate { get; init; }
}

/// <summary>
/// Two connected <see cref="IDatagramTransport"/> endpoints in one process, with seeded loss,
/// duplication and reordering, so protocol tests over a bad link reproduce exactly from the seed.
/// </summary>
internal sealed class InMemoryDatagramLink
{
    public InMemoryDatagramLink(int seed = 1, LinkImpairment? aToB = null, LinkImpairment? bToA = null, int mtu = 1200)
    {
        var ab = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
        var ba = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
        A = new Endpoint(ab.Writer, ba.Reader, new Random(seed), aToB ?? LinkImpairment.None, mtu);
        B = new Endpoint(ba.Writer, ab.Reader, new Random(seed ^ 0x5bd1e995), bToA ?? LinkImpairment.None, mtu);
    }

    public Endpoint A { get; }
    public Endpoint B { get; }

    public sealed class Endpoint : IDatagramTransport
    {
        private readonly ChannelWriter<byte[]> _out;
        private readonly ChannelReader<byte[]> _in;
        private readonly Random _random;
        private readonly object _gate = new();
        private byte[]? _heldBack;
        private volatile bool _disposed;

        internal Endpoint(ChannelWriter<byte[]> output, ChannelReader<byte[]> input, Random random, LinkImpairment impairment, int mtu)
        {
            _out = output;
            _in = input;
            _random = random;
            Impairment = impairment;
            MaxDatagramSize = mtu;
        }

        /// <summary>Impairment of datagrams sent from this endpoint; may be changed while running.</summary>
        public LinkImpairment Impairment { get; set; }

        /// <summary>When true, everything sent from this endpoint is dropped (a peer gone silent).</summary>
        public bool Blackhole { get; set; }

        public int MaxDatagramSize { get; }

        public long Sent { get; private set; }
        public long Dropped { get; private set; }

        public ValueTask SendAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken = default)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var copy = datagram.ToArray();
            lock (_gate)
            {
                Sent++;
                var imp = Impairment;
                if (Blackhole || _random.NextDouble() < imp.LossRate)
                {
                    Dropped++;
                    return ValueTask.CompletedTask;
                }
                if (_heldBack is null && _random.NextDouble() < imp.ReorderRate)
                {
                    _heldBack = copy;
                    return ValueTask.CompletedTask;
                }
                _out.TryWrite(copy);
                if (_random.NextDouble() < imp.DuplicateRate) _out.TryWrite(copy);
                if (_heldBack is not null)
                {
                    _out.TryWrite(_heldBack);
                    _heldBack = null;
                }
            }
            return ValueTask.CompletedTask;
        }

        public async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            byte[] datagram;
            try
            {
                datagram = await _in.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelClosedException)
            {
                throw new ObjectDisposedException(nameof(Endpoint));
            }
            var n = Math.Min(datagram.Length, buffer.Length);
            datagram.AsSpan(0, n).CopyTo(buffer.Span);
            return n;
        }

        public ValueTask DisposeAsync()
        {
            _disposed = true;
            _out.TryComplete();
            return ValueTask.CompletedTask;
        }
    }
}
