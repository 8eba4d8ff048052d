using System.Collections.Concurrent;

namespace WebRtcPS.Commands.Peers;

/// <summary>The peers of this session (New-WrtcPeer and Connect-WrtcPeer add, Close-WrtcPeer removes).</summary>
internal static class PeerRegistry
{
    private static readonly ConcurrentDictionary<WrtcPeer, byte> Peers = new(ReferenceEqualityComparer.Instance);

    public static void Add(WrtcPeer peer) => Peers.TryAdd(peer, 0);

    public static void Remove(WrtcPeer peer) => Peers.TryRemove(peer, out _);

    public static IEnumerable<WrtcPeer> All => Peers.Keys.OrderBy(p => p.Created);

    /// <summary>Closes every peer (module removal).</summary>
    public static void CloseAll()
    {
        foreach (var peer in Peers.Keys.ToArray())
        {
            try { peer.Session?.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
            catch (Exception) { /* best effort on unload */ }
            Remove(peer);
        }
    }
}
