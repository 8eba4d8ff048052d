using WebRtcPS.Engine.Transport;

namespace WebRtcPS.Engine.Tests.Dtls;

/// <summary>Test decorator: drops chosen outbound datagrams by their 1-based send index, so one
/// specific handshake flight can be lost deterministically.</summary>
internal sealed class DroppingTransport(IDatagramTransport inner, params int[] dropSends) : IDatagramTransport
{
    private int _sends;

    public int Dropped { get; private set; }

    public int MaxDatagramSize => inner.MaxDatagramSize;

    public ValueTask SendAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken = default)
    {
        if (Array.IndexOf(dropSends, Interlocked.Increment(ref _sends)) >= 0)
        {
            Dropped++;
            return ValueTask.CompletedTask;
        }
        return inner.SendAsync(datagram, cancellationToken);
    }

    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.ReceiveAsync(buffer, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
