using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using WebRtcPS.Engine.Runtime;
using WebRtcPS.Engine.Stun;

namespace WebRtcPS.Engine.Ice;

// One receive loop per socket: the RFC 7983 demultiplexer. STUN goes (parsed) to the loop;
// DTLS from validated peers goes straight to the transport, never through the loop.
public sealed partial class IceAgent
{
    private readonly List<Task> _receivers = [];

    private void StartReceiver(IceSocketId id, IIcePacketSocket socket) => _receivers.Add(Task.Run(() => ReceiveLoopAsync(id, socket)));

    private async Task ReceiveLoopAsync(IceSocketId id, IIcePacketSocket socket)
    {
        var buffer = new byte[2048];
        var stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            IcePacketReceiveResult received;
            try
            {
                received = await socket.ReceiveFromAsync(buffer, stop).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or ChannelClosedException)
            {
                // A relayed candidate's allocation that ends on its own (the TURN server forgot it or
                // refused its refresh, RFC 8656 §7-8) is reported: W3C icecandidateerror.
                if (!stop.IsCancellationRequested) _inputs.Writer.TryWrite(new Command(() => OnRelayLost(id, ex.Message)));
                return;
            }
            catch (SocketException)
            {
                if (stop.IsCancellationRequested) return;
                continue;
            }
            try
            {
                Demultiplex(id, buffer.AsSpan(0, received.Length), received.RemoteEndPoint);
            }
            catch (Exception ex)
            {
                // Peer input never stops the receive loop; a bug here is reported in diagnostics.
                var text = $"receive on {socket.LocalEndPoint}: {ex.GetType().Name}: {ex.Message}";
                _inputs.Writer.TryWrite(new Command(() => ReportInternalError(text)));
            }
        }
    }

    /// <summary>RFC 7983 §7: first byte 0-3 is STUN, 20-63 DTLS; anything else is dropped.</summary>
    private void Demultiplex(IceSocketId id, ReadOnlySpan<byte> datagram, IPEndPoint from)
    {
        if (datagram.IsEmpty)
        {
            Interlocked.Increment(ref _datagramsDropped);
            return;
        }
        byte first = datagram[0];
        if (SetupTrace.Enabled) SetupTrace.Mark("ice.in", SetupTrace.Classify(datagram));
        if (first <= 3)
        {
            if (StunMessage.TryParse(datagram, out var message)) _inputs.Writer.TryWrite(new StunReceived(id, message, from));
            else Interlocked.Increment(ref _datagramsDropped);
        }
        else if (first is >= 20 and <= 63 && _knownRemotes.TryGetValue(from, out var traffic))
        {
            // From any peer address that proved it knows the credentials, so DTLS survives a
            // switch of the selected pair.
            traffic.AddReceived(datagram.Length);
            if (!Transport.Deliver(datagram)) Interlocked.Increment(ref _datagramsDropped);
        }
        else
        {
            Interlocked.Increment(ref _datagramsDropped);
        }
    }
}
