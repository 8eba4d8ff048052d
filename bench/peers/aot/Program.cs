using WebRtcPS.Bench.Peers;

// The peer mode of PeersBench (same flags; a leading --peer is accepted and ignored).
if (args is ["--peer", "-rss-floor"] or ["-rss-floor"]) return await RssFloor.MainAsync();
return await Peer.MainAsync(args);
