using WebRtcPS.Bench.Peers;

// --peer: the pion-peer compatible test peer; otherwise the benchmark orchestrator.
if (args.Length > 0 && args[0] == "--peer") return await Peer.MainAsync(args[1..]);
return await Orchestrator.MainAsync(args);
