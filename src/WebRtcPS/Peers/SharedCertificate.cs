using WebRtcPS.Engine.Dtls;

namespace WebRtcPS.Commands.Peers;

/// <summary>
/// The process's DTLS certificate for the peers the cmdlets make. A W3C RTCCertificate may serve
/// any number of peer connections (webrtc-pc §4.9: certificates are reused across
/// RTCPeerConnections; peers authenticate it only by the SDP fingerprint, RFC 8827 §6.5), and
/// generating one — a P-256 key pair and a signature — is the largest cost a first connection has
/// left once signaling runs in memory (issue 12). So it is made once, in the background when the
/// module is imported, and reused. -NewCertificate gives a peer a fresh one of its own instead,
/// as a browser makes for each connection that brings none.
/// </summary>
internal static class SharedCertificate
{
    // Renewed this long before it expires, so that no peer starts with one that lapses mid-session.
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(1);
    private static readonly Lock Gate = new();
    private static Task<RTCCertificate>? _current;

    /// <summary>Starts generating the certificate on a pool thread, unless that has begun.</summary>
    public static void Prepare()
    {
        lock (Gate) _current ??= Generate();
    }

    /// <summary>The certificate, waiting for its generation if it is still running.</summary>
    public static RTCCertificate Get()
    {
        Task<RTCCertificate> current;
        lock (Gate)
        {
            if (_current is null || _current.IsFaulted || _current.IsCanceled
                || (_current.IsCompletedSuccessfully && _current.Result.Expires - DateTimeOffset.UtcNow < RenewBefore))
            {
                _current = Generate();
            }
            current = _current;
        }
        return current.GetAwaiter().GetResult();
    }

    private static Task<RTCCertificate> Generate() => Task.Run(static () => RTCCertificate.Generate());
}
