using System.Threading.Channels;

namespace WebRtcPS.Signaling.Client;

/// <summary>
/// Signaling between peers of this process, without a server: what <c>SignalingServer</c>'s
/// router does for an id (a queue that holds the messages addressed to it until its one reader
/// takes them), minus HTTP and JSON. A local connectivity check uses it, so that its first run
/// does not wait for Kestrel, HttpClient and System.Text.Json to start (issue 12).
/// </summary>
internal sealed class InProcessSignaling
{
    private readonly Dictionary<string, Channel<SignalingMessage>> _mailboxes = new(StringComparer.Ordinal);

    /// <summary>The end of the peer <paramref name="id"/>: it sends as that id and reads what is addressed to it.</summary>
    public ISignalingChannel Connect(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return new Endpoint(this, id);
    }

    private Channel<SignalingMessage> Mailbox(string id)
    {
        lock (_mailboxes)
        {
            if (!_mailboxes.TryGetValue(id, out var mailbox))
            {
                mailbox = Channel.CreateUnbounded<SignalingMessage>(new UnboundedChannelOptions { SingleReader = true });
                _mailboxes.Add(id, mailbox);
            }
            return mailbox;
        }
    }

    private sealed class Endpoint(InProcessSignaling hub, string id) : ISignalingChannel
    {
        public Task SendAsync(SignalingMessage message, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(message);
            if (cancellationToken.IsCancellationRequested) return Task.FromCanceled(cancellationToken);
            if (message.From.Length == 0) message = message with { From = id };
            // Like the server's mailbox: a message to a peer not reading yet waits for it.
            hub.Mailbox(message.To).Writer.TryWrite(message);
            return Task.CompletedTask;
        }

        public IAsyncEnumerable<SignalingMessage> ReceiveAsync(CancellationToken cancellationToken = default) =>
            hub.Mailbox(id).Reader.ReadAllAsync(cancellationToken);

        /// <summary>Ends this peer's reading; messages still sent to it are dropped with the hub.</summary>
        public void Dispose() => hub.Mailbox(id).Writer.TryComplete();
    }
}
