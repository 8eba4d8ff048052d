using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace WebRtcPS.Engine.Turn;

/// <summary>
/// TCP or TLS-over-TCP to the server (RFC 8656 §3.1), framed by <see cref="TurnStreamFramer"/>.
/// Writes are serialized (SslStream allows one writer at a time).
/// </summary>
internal sealed class StreamTurnTransport : ITurnTransport
{
    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    private StreamTurnTransport(Socket socket, Stream stream, TurnTransportKind kind)
    {
        _socket = socket;
        _stream = stream;
        Kind = kind;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        RemoteEndPoint = (IPEndPoint)socket.RemoteEndPoint!;
    }

    public TurnTransportKind Kind { get; }
    public IPEndPoint LocalEndPoint { get; }
    public IPEndPoint RemoteEndPoint { get; }
    public bool IsReliable => true;

    /// <summary>What the TLS certificate check found (None when it passed or for plain TCP).</summary>
    public SslPolicyErrors CertificateErrors { get; private set; }

    /// <summary>True when the certificate was accepted only because the check was skipped.</summary>
    public bool CertificateCheckSkipped { get; private set; }

    /// <summary>Connects (and for TLS completes the handshake). Failures are <see cref="TurnException"/>s
    /// (NotReachable, TlsError); cancellation by <paramref name="cancellationToken"/> stays an OCE.</summary>
    public static async Task<StreamTurnTransport> ConnectAsync(IPEndPoint server, bool tls, string targetHost, bool skipCertificateCheck,
        RemoteCertificateValidationCallback? validation, CancellationToken cancellationToken)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            try
            {
                await socket.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                throw new TurnException(TurnError.NotReachable, $"TCP connection to {server} failed: {ex.SocketErrorCode} ({ex.Message}).", innerException: ex);
            }
            var network = new NetworkStream(socket, ownsSocket: false);
            if (!tls) return new StreamTurnTransport(socket, network, TurnTransportKind.Tcp);

            SslPolicyErrors seen = SslPolicyErrors.None;
            string chainProblems = "";
            bool skipped = false;
            var ssl = new SslStream(network, leaveInnerStreamOpen: false);
            var sslOptions = new SslClientAuthenticationOptions
            {
                TargetHost = targetHost,
                RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
                {
                    seen = errors;
                    if (chain is not null && errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
                        chainProblems = string.Join("; ", chain.ChainStatus.Select(s => $"{s.Status}: {s.StatusInformation.Trim()}"));
                    if (skipCertificateCheck)
                    {
                        skipped = errors != SslPolicyErrors.None;
                        return true;
                    }
                    return validation is not null ? validation(sender, certificate, chain, errors) : errors == SslPolicyErrors.None;
                },
            };
            try
            {
                await ssl.AuthenticateAsClientAsync(sslOptions, cancellationToken).ConfigureAwait(false);
            }
            catch (AuthenticationException ex)
            {
                await ssl.DisposeAsync().ConfigureAwait(false);
                var detail = seen == SslPolicyErrors.None ? ex.Message : $"certificate problem: {seen}{(chainProblems.Length > 0 ? $" ({chainProblems})" : "")}";
                throw new TurnException(TurnError.TlsError, $"TLS handshake with {server} ({targetHost}) failed: {detail}.", innerException: ex);
            }
            catch (IOException ex)
            {
                await ssl.DisposeAsync().ConfigureAwait(false);
                throw new TurnException(TurnError.TlsError, $"TLS handshake with {server} ({targetHost}) failed: {ex.Message}", innerException: ex);
            }
            return new StreamTurnTransport(socket, ssl, TurnTransportKind.Tls) { CertificateErrors = seen, CertificateCheckSkipped = skipped };
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        var bytes = TurnStreamFramer.PadForStream(frame);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public ValueTask<byte[]?> ReceiveAsync(CancellationToken cancellationToken) => TurnStreamFramer.ReadFrameAsync(_stream, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException)
        {
            // Closing anyway.
        }
        _socket.Dispose();
    }
}
