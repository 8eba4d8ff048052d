#!/usr/bin/env python3
"""Setup timeline of PeersBench hello runs made with WRTC_SETUP_TRACE=1.

Each of our peer processes then ends with a "setup_trace" event: the engine's and the peer's marks
as "monotonic µs|thread|label|detail" (Runtime/SetupTrace.cs). Both peers of a run share the
machine's monotonic clock, so their marks merge into one timeline, from the offerer's
"bench.offer-created" (the instant setup_ms counts from).

  timeline.py OUT_DIR [--pairing webrtcps-aot-webrtcps-aot] [--show N]

prints, per pairing, the median (and min-max) time from the offer of each milestone below, the
per-layer spans, and with --show N the merged timeline of the first N runs.
"""
import argparse
import glob
import json
import os
import re
import statistics
from collections import defaultdict


def load(path):
    marks = None
    setup = None
    for line in open(path, encoding="utf-8"):
        try:
            e = json.loads(line)
        except ValueError:
            continue
        if e.get("event") == "setup_trace":
            marks = []
            for m in e["marks"]:
                t, tid, label, detail = m.split("|", 3)
                marks.append((float(t), int(tid), label, detail))
        elif e.get("event") == "channel_open" and "setup_ms" in e:
            setup = e["setup_ms"]
    return marks, setup


def first(marks, side, label, detail=None):
    for t, _, s, lab, det in marks:
        if s == side and lab == label and (detail is None or re.search(detail, det)):
            return t
    return None


# Milestones: (name, side, label, detail regex); side "o" offerer, "a" answerer, "*" either.
MILESTONES = [
    ("offer POST done", "o", "sig.posted", "^offer$"),
    ("offer at answerer", "a", "sig.recv", "^offer$"),
    ("answer created", "a", "bench.answer-created", None),
    ("answer POST start", "a", "sig.post", "^answer$"),
    ("answerer gathered", "a", "bench.candidate", None),
    ("answerer cand POST start", "a", "sig.post", "^candidate$"),
    ("offerer cand POST start", "o", "sig.post", "^candidate$"),
    ("offer cand at answerer", "a", "sig.recv", "^candidate$"),
    ("answer POST done", "a", "sig.posted", "^answer$"),
    ("answer at offerer", "o", "sig.recv", "^answer$"),
    ("answer cand at offerer", "o", "sig.recv", "^candidate$"),
    ("a: first check out", "a", "ice.out", "stun-req"),
    ("o: first check out", "o", "ice.out", "stun-req"),
    ("o: first check in", "o", "ice.in", "stun-req"),
    ("a: first check in", "a", "ice.in", "stun-req"),
    ("a: first response in", "a", "ice.in", "stun-ok"),
    ("o: first response in", "o", "ice.in", "stun-ok"),
    ("a: early route", "a", "ice.route.early", None),
    ("o: early route", "o", "ice.route.early", None),
    ("a: dtls go", "a", "dtls.go", None),
    ("o: dtls go", "o", "dtls.go", None),
    ("ClientHello out", "*", "ice.out", "ClientHello"),
    ("ServerHello out", "*", "ice.out", "ServerHello"),
    ("client flight 2 out", "*", "ice.out", "ClientKeyExchange|Certificate,hs:ClientKey"),
    ("a: dtls connected", "a", "dtls.connected", None),
    ("o: dtls connected", "o", "dtls.connected", None),
    ("a: selected", "a", "ice.route.selected", None),
    ("o: selected", "o", "ice.route.selected", None),
    ("a: sctp start", "a", "pc.sctp-start", None),
    ("o: sctp start", "o", "pc.sctp-start", None),
    ("INIT out", "*", "sctp.out", "^Init$"),
    ("INIT-ACK out", "*", "sctp.out", "InitAck"),
    ("COOKIE-ECHO out", "*", "sctp.out", "CookieEcho"),
    ("COOKIE-ACK out", "*", "sctp.out", "CookieAck"),
    ("a: sctp established", "a", "sctp.established", None),
    ("o: sctp established", "o", "sctp.established", None),
    ("DCEP OPEN sent", "o", "dcep.open.send", None),
    ("a: DCEP OPEN recv", "a", "dcep.open.recv", None),
    ("a: ondatachannel", "a", "bench.ondatachannel", None),
    ("o: DCEP ACK recv", "o", "dcep.ack.recv", None),
    ("o: open", "o", "bench.open", None),
]


# Per-layer spans of one run (each run's own difference, then the median over runs).
SPANS = [
    ("signaling: offer -> answerer's first check", None, "a: first check out"),
    ("ICE: first check -> client's valid pair", "a: first check out", "a: early route"),
    ("DTLS start: valid pair -> ClientHello out", "a: early route", "ClientHello out"),
    ("DTLS: ClientHello -> server connected", "ClientHello out", "o: dtls connected"),
    ("DTLS: server -> client connected", "o: dtls connected", "a: dtls connected"),
    ("SCTP: first INIT -> offerer established", "INIT out", "o: sctp established"),
    ("DCEP: OPEN sent -> offerer open", "DCEP OPEN sent", "o: open"),
]


def milestones(marks):
    out = {}
    for name, side, label, detail in MILESTONES:
        if side == "*":
            ts = [t for t in (first(marks, s, label, detail) for s in "oa") if t is not None]
            t = min(ts) if ts else None
        else:
            t = first(marks, side, label, detail)
        if t is not None:
            out[name] = t
    return out


def runs(out_dir, pairing):
    by_run = defaultdict(dict)
    for path in glob.glob(os.path.join(out_dir, "*-hello*.jsonl")):
        base = os.path.basename(path)[:-len(".jsonl")]
        m = re.match(r"(.*-hello\d+)-(.*)-([oa])$", base)
        if not m or m.group(2) != pairing:
            continue
        by_run[m.group(1)][m.group(3)] = path
    result = []
    for run, sides in sorted(by_run.items()):
        if set(sides) != {"o", "a"}:
            continue
        lo, setup = load(sides["o"])
        la, _ = load(sides["a"])
        if lo is None or la is None:
            continue
        merged = sorted([(t, tid, "o", lab, det) for t, tid, lab, det in lo] + [(t, tid, "a", lab, det) for t, tid, lab, det in la])
        t0 = first(merged, "o", "bench.offer-created")
        if t0 is None:
            continue
        merged = [((t - t0) / 1000.0, tid, s, lab, det) for t, tid, s, lab, det in merged]
        result.append((run, setup, merged))
    return result


def fmt(values):
    if not values:
        return "-"
    return f"{statistics.median(values):7.2f} ({min(values):.2f}-{max(values):.2f})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out_dir")
    ap.add_argument("--pairing", action="append")
    ap.add_argument("--show", type=int, default=0)
    args = ap.parse_args()
    pairings = args.pairing or ["webrtcps-aot-webrtcps-aot", "webrtcps-webrtcps-warm"]
    for pairing in pairings:
        rs = runs(args.out_dir, pairing)
        if not rs:
            continue
        print(f"## {pairing}: {len(rs)} runs; setup_ms {fmt([s for _, s, _ in rs if s is not None])}")
        per = defaultdict(list)
        for _, _, merged in rs:
            for name, t in milestones(merged).items():
                per[name].append(t)
        print("   span (ms, per run)                                 median (min-max)        n")
        for name, a, b in SPANS:
            vals = []
            for _, _, merged in rs:
                ms = milestones(merged)
                if b in ms and (a is None or a in ms):
                    vals.append(ms[b] - (ms[a] if a else 0.0))
            print(f"   {name:48s} {fmt(vals):28s} {len(vals)}")
        print("   milestone (ms from offer created)      median (min-max)        n")
        for name, *_ in MILESTONES:
            if per[name]:
                print(f"   {name:36s} {fmt(per[name]):28s} {len(per[name])}")
        for run, setup, merged in rs[: args.show]:
            print(f"\n### {run} setup_ms {setup}")
            last = {}
            for t, tid, side, label, detail in merged:
                gap = t - last.get(side, t)
                last[side] = t
                print(f"   {t:8.3f} {side} t{tid:<3d} +{gap:6.3f}  {label} {detail}")
        print()


if __name__ == "__main__":
    main()
