using WebRtcPS.Bench.Peers;

// --peer: the pion-peer compatible test peer; --peers N: memory of N connected pairs in this
// process; otherwise the benchmark orchestrator.
// --peer -rss-floor: the memory floor under a hello (RssFloor), before anything loads the engine.
if (args is ["--peer", "-rss-floor"]) return await RssFloor.MainAsync();
if (args.Length > 0 && args[0] == "--peer") return await Peer.MainAsync(args[1..]);
if (args.Length > 0 && args[0] == "--peers") return await ManyPeers.MainAsync(args);
return await Orchestrator.MainAsync(args);
