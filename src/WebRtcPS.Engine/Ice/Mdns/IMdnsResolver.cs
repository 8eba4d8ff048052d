using System.Net;

namespace WebRtcPS.Engine.Ice;

/// <summary>Resolves a remote candidate's ".local" name (RFC 6762; draft-ietf-mmusic-mdns-ice-candidates §3.2).
/// <see cref="MulticastDnsResolver"/> sends one-shot queries; tests use a fake.</summary>
public interface IMdnsResolver
{
    /// <summary>The name's addresses (A and AAAA records), or none when nobody answered within
    /// <paramref name="timeout"/>. Never throws for a missing answer; cancellation throws.</summary>
    ValueTask<IReadOnlyList<IPAddress>> ResolveAsync(string name, TimeSpan timeout, CancellationToken cancellationToken);
}
