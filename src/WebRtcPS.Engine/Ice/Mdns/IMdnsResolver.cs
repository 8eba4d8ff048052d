using System.Net;

namespace WebRtcPS.Engine.Ice;

/// <summary>Resolves a remote candidate's ".local" name (RFC 6762; draft-ietf-mmusic-mdns-ice-candidates).
/// <see cref="MulticastDnsResolver"/> sends one-shot queries; tests use a fake.</summary>
public interface IMdnsResolver
{
    /// <summary>The name's address, or null when nobody answered in time. Never throws for a
    /// missing answer; cancellation throws.</summary>
    ValueTask<IPAddress?> ResolveAsync(string name, CancellationToken cancellationToken);
}
