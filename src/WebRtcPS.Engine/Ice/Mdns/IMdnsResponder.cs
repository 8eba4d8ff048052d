using System.Net;

namespace WebRtcPS.Engine.Ice;

/// <summary>Answers mDNS queries for the names our hidden host candidates carry
/// (draft-ietf-mmusic-mdns-ice-candidates §3.1). <see cref="MulticastDnsResponder"/> answers on
/// 224.0.0.251 and ff02::fb, port 5353.</summary>
public interface IMdnsResponder
{
    /// <summary>Answers queries for <paramref name="name"/> with <paramref name="address"/> until
    /// the result is disposed.</summary>
    /// <exception cref="ArgumentException">The name is not a ".local" name.</exception>
    IDisposable Publish(string name, IPAddress address);
}
