#!/usr/bin/env python3
"""A/B: runs two builds of datachannel-bench alternately (A B A B ...) with the same arguments and
prints the median Mbit/s, CPU seconds and allocations of each, and the median of the paired ratios B/A.
usage: ab.py BENCH_A BENCH_B ROUNDS -- bench args (e.g. --mode full --mib 100 [--no-warmup])"""
import json, statistics, subprocess, sys

a, b, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
args = sys.argv[sys.argv.index("--") + 1:] + ["--json"]
res = {"A": [], "B": []}
for i in range(rounds):
    for name, exe in (("A", a), ("B", b)) if i % 2 == 0 else (("B", b), ("A", a)):
        out = subprocess.run([exe] + args, capture_output=True, text=True, timeout=600).stdout.strip().splitlines()
        r = json.loads(out[-1])
        res[name].append(r)
        print(f"  {name} {r['mbps']:7.1f} Mbit/s cpu {r['cpu_seconds']:6.2f} s alloc {r['allocated_mib']:8.1f} MiB rtx {r['retransmissions']} t3 {r['timeouts']} ok {r['ok']}", flush=True)
def med(name, key): return statistics.median(r[key] for r in res[name])
for name in ("A", "B"):
    print(f"{name}: median {med(name,'mbps'):.1f} Mbit/s, cpu {med(name,'cpu_seconds'):.2f} s, alloc {med(name,'allocated_mib'):.0f} MiB, gen0 {med(name,'gen0'):.0f}")
ratios = [rb["mbps"] / ra["mbps"] for ra, rb in zip(res["A"], res["B"])]
cpu = [rb["cpu_seconds"] / ra["cpu_seconds"] for ra, rb in zip(res["A"], res["B"])]
print(f"B/A throughput: paired median {statistics.median(ratios):.2f} (min {min(ratios):.2f}, max {max(ratios):.2f}); cpu B/A {statistics.median(cpu):.2f}")
