using WebRtcPS.Bench.Peers;

// The peer mode of PeersBench (same flags; a leading --peer is accepted and ignored).
return await Peer.MainAsync(args);
