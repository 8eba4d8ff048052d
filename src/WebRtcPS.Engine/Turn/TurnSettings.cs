using System.Net.Security;
using System.Net.Sockets;
using WebRtcPS.Engine.Stun;

namespace WebRtcPS.Engine.Turn;

/// <summary>
/// How the TURN client behaves, whatever the server: timers (defaults from RFC 8656), relayed
/// address family, TLS trust, logging. A W3C <see cref="RTCIceServer"/> says which server and with
/// which credential; these are the engine settings it lacks, shared by every server of a
/// configuration. <see cref="TurnClientOptions"/> is these settings plus one server.
/// </summary>
public record TurnSettings
{
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

    /// <summary>TLS (turns:): accept any server certificate; the client reports that it did
    /// (<see cref="TurnClient.CertificateCheckSkipped"/>). For diagnostics only.</summary>
    public bool SkipCertificateCheck { get; init; }

    /// <summary>TLS (turns:): custom validation (e.g. trusting a test server's self-signed
    /// certificate); the default accepts only a certificate with no policy errors.</summary>
    public RemoteCertificateValidationCallback? CertificateValidationCallback { get; init; }

    /// <summary>Received packets held for <see cref="TurnClient.ReceiveFromAsync"/>; beyond it the oldest are dropped (as UDP would).</summary>
    public int ReceiveQueueCapacity { get; init; } = 1024;

    /// <summary>Milestones and failures (event ids 1500-1599).</summary>
    public Microsoft.Extensions.Logging.ILogger? Logger { get; init; }

    /// <summary>Clock for refresh timers and measurements.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad property.</summary>
    public virtual TurnSettings Validate()
    {
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
}
