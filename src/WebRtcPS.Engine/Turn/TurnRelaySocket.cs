using System.Net;
using WebRtcPS.Engine.Ice;

namespace WebRtcPS.Engine.Turn;

/// <summary>
/// A TURN allocation seen by ICE as a packet socket (RFC 8445 §5.1.1.2): its local end point is
/// the relayed address; <see cref="SendToAsync"/> relays to a peer (a permission, then a channel,
/// are created on first use; until the channel is bound data goes in Send indications);
/// <see cref="ReceiveFromAsync"/> yields what peers sent (Data indications, ChannelData) with the
/// peer's address. Disposing deletes the allocation.
/// </summary>
internal sealed class TurnRelaySocket : IIcePacketSocket
{
    public TurnRelaySocket(TurnClient client) => Client = client ?? throw new ArgumentNullException(nameof(client));

    public TurnClient Client { get; }

    public IPEndPoint LocalEndPoint => Client.RelayedAddress;

    public ValueTask SendToAsync(ReadOnlyMemory<byte> datagram, IPEndPoint remote, CancellationToken cancellationToken = default) =>
        Client.SendToAsync(datagram, remote, cancellationToken);

    public async ValueTask<IcePacketReceiveResult> ReceiveFromAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var received = await Client.ReceiveFromAsync(buffer, cancellationToken).ConfigureAwait(false);
        return new IcePacketReceiveResult(received.Length, received.Peer);
    }

    public async ValueTask DisposeAsync() => await Client.CloseAsync().ConfigureAwait(false);
}
