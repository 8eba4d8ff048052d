namespace WebRtcPS.Engine.Nat;

/// <summary>Why NAT behaviour discovery could not start (what the server answers is never an
/// exception: it is in the report).</summary>
public enum NatDiscoveryError
{
    /// <summary>The server's host name did not resolve.</summary>
    ServerNotResolved,

    /// <summary>The local address cannot be bound (not this host's, or the wrong family).</summary>
    LocalAddressUnavailable,

    /// <summary>No route from this host to the server.</summary>
    NoRoute,
}

/// <summary>NAT behaviour discovery could not start; <see cref="Error"/> says why.</summary>
public sealed class NatDiscoveryException(NatDiscoveryError error, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>Why discovery could not start.</summary>
    public NatDiscoveryError Error { get; } = error;
}
