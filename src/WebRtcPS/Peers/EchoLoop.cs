using WebRtcPS.Signaling.Peers;

namespace WebRtcPS.Commands.Peers;

/// <summary>
/// Connect-WrtcPeer -Echo: after connecting, sends every received message back unchanged (text as
/// text, binary as binary) until the channel closes or the command is stopped. A scripted check's
/// far end: one side echoes, the other sends and compares.
/// </summary>
internal static class EchoLoop
{
    /// <param name="output">Called with each message, received then echoed (any thread; the cmdlet queues it).</param>
    /// <returns>How many messages were echoed.</returns>
    public static async Task<int> RunAsync(WrtcPeer peer, SeedPeer session, Action<WrtcMessage> output, CancellationToken ct)
    {
        if (session.DataChannel is not { } channel) return 0;
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnClose(object? sender, EventArgs e) => closed.TrySetResult();
        channel.OnClose += OnClose;
        try
        {
            if (channel.ReadyState is RTCDataChannelState.Closing or RTCDataChannelState.Closed) return 0;
            var echoed = 0;
            while (true)
            {
                var read = session.Messages.ReadAsync(ct).AsTask();
                if (await Task.WhenAny(read, closed.Task).ConfigureAwait(false) != read) return echoed;
                SeedPeerMessage m;
                try
                {
                    m = await read.ConfigureAwait(false);
                }
                catch (System.Threading.Channels.ChannelClosedException)
                {
                    return echoed; // the peer was closed
                }
                output(new WrtcMessage(peer.Id, m.Timestamp, m.Elapsed, MessageDirection.Received, m.Label, m.IsText, m.Data));
                if (m.IsText) await session.SendAsync(m.Text!, ct).ConfigureAwait(false);
                else await session.SendAsync(m.Data, ct).ConfigureAwait(false);
                output(new WrtcMessage(peer.Id, DateTimeOffset.Now, session.Elapsed, MessageDirection.Sent, m.Label, m.IsText, m.Data));
                echoed++;
            }
        }
        finally
        {
            channel.OnClose -= OnClose;
        }
    }
}
