using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using WebRtcPS.Engine.Ice;
using WebRtcPS.Engine.Stun;

namespace WebRtcPS.Engine.Turn;

/// <summary>Configuration of a <see cref="TurnClient"/>. Timer defaults follow RFC 8656.</summary>
public sealed record TurnClientOptions
{
    /// <summary>The server: turn:host[:port][?transport=udp|tcp] or turns:host[:port] (TLS over TCP).</summary>
    public required IceServerUri Server { get; init; }

    /// <summary>Long-term credential (RFC 8489 §9.2); null for a server that needs none.</summary>
    public string? Username { get; init; }
    public string? Password { get; init; }

    /// <summary>Family of the relayed address; IPv6 sends REQUESTED-ADDRESS-FAMILY (RFC 8656 §7.1).</summary>
    public AddressFamily RelayAddressFamily { get; init; } = AddressFamily.InterNetwork;

    /// <summary>LIFETIME to ask for in Allocate and Refresh; the server's default when null.</summary>
    public TimeSpan? RequestedLifetime { get; init; }

    /// <summary>Permissions last 300 s (RFC 8656 §9); refreshed this often.</summary>
    public TimeSpan PermissionRefreshInterval { get; init; } = TimeSpan.FromMinutes(4);

    /// <summary>Channel bindings last 600 s (RFC 8656 §12); refreshed this often.</summary>
    public TimeSpan ChannelRefreshInterval { get; init; } = TimeSpan.FromMinutes(9);

    /// <summary>Bind a channel to each peer we send to (then data goes as ChannelData); until it is
    /// bound, and always when false, data goes in Send indications.</summary>
    public bool UseChannels { get; init; } = true;

    /// <summary>Follow a 300 (Try Alternate) with ALTERNATE-SERVER once (RFC 8489 §10).</summary>
    public bool FollowAlternateServer { get; init; } = true;

    /// <summary>Bound on the whole of connect + Allocate; past it the allocation fails with TimedOut.</summary>
    public TimeSpan AllocateTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Retransmission schedule over UDP (over TCP/TLS requests go once, with its Ti).</summary>
    public StunTransactionOptions? TransactionOptions { get; init; }

    /// <summary>TLS: accept any server certificate; the client reports that it did
    /// (<see cref="TurnClient.CertificateCheckSkipped"/>). For diagnostics only.</summary>
    public bool SkipCertificateCheck { get; init; }

    /// <summary>TLS: custom validation (e.g. trusting a test server's self-signed certificate);
    /// the default accepts only a certificate with no policy errors.</summary>
    public RemoteCertificateValidationCallback? CertificateValidationCallback { get; init; }

    /// <summary>TLS SNI and name to validate; the URI's host when null.</summary>
    public string? TlsTargetHost { get; init; }

    /// <summary>Skip DNS: connect to this address (the URI still names the server for TLS).</summary>
    public IPEndPoint? ServerEndPoint { get; init; }

    /// <summary>Received packets held for <see cref="TurnClient.ReceiveFromAsync"/>; beyond it the oldest are dropped (as UDP would).</summary>
    public int ReceiveQueueCapacity { get; init; } = 1024;

    /// <summary>Milestones and failures (event ids 1500-1599).</summary>
    public Microsoft.Extensions.Logging.ILogger? Logger { get; init; }

    /// <summary>Clock for refresh timers and measurements.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public TurnClientOptions Validate()
    {
        ArgumentNullException.ThrowIfNull(Server);
        if (Server.IsStun) throw new ArgumentException($"Server: {Server} is a STUN URI; a TURN client needs turn: or turns:.", nameof(Server));
        if (Server.Scheme == IceServerScheme.Turns && Server.Transport == RTCIceProtocol.Udp)
            throw new ArgumentException("Server: turns:...?transport=udp (DTLS to the server) is not supported; use turns: (TLS over TCP).", nameof(Server));
        if ((Username is null) != (Password is null)) throw new ArgumentException("Username and Password go together.", nameof(Username));
        if (RelayAddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)) throw new ArgumentOutOfRangeException(nameof(RelayAddressFamily), RelayAddressFamily, "IPv4 or IPv6.");
        if (RequestedLifetime is { } l && l < TimeSpan.FromSeconds(1)) throw new ArgumentOutOfRangeException(nameof(RequestedLifetime), l, "At least one second.");
        if (PermissionRefreshInterval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(PermissionRefreshInterval), PermissionRefreshInterval, "Must be positive.");
        if (ChannelRefreshInterval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ChannelRefreshInterval), ChannelRefreshInterval, "Must be positive.");
        if (AllocateTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(AllocateTimeout), AllocateTimeout, "Must be positive.");
        if (ReceiveQueueCapacity < 1) throw new ArgumentOutOfRangeException(nameof(ReceiveQueueCapacity), ReceiveQueueCapacity, "At least one packet.");
        if (SkipCertificateCheck && CertificateValidationCallback is not null) throw new ArgumentException("SkipCertificateCheck and CertificateValidationCallback exclude each other.", nameof(SkipCertificateCheck));
        TransactionOptions?.Validate();
        ArgumentNullException.ThrowIfNull(TimeProvider);
        return this;
    }

    internal TurnTransportKind TransportKind =>
        Server.Scheme == IceServerScheme.Turns ? TurnTransportKind.Tls
        : Server.Transport == RTCIceProtocol.Tcp ? TurnTransportKind.Tcp
        : TurnTransportKind.Udp;
}
