#!/usr/bin/python3
"""aiortc-peer: the original tool's WebRTC client (see SEED-PROTOCOL.md) on aiortc 1.4, with the
same flags and the same JSON event lines as tests/interop/pion-peer. Run it with Debian's
/usr/bin/python3 (python3-aiortc, python3-aiohttp).

Signaling: POST {addr}/send {"type","content","to","from"}; GET {addr}/receive?id= read as a
stream of JSON objects (json.JSONDecoder.raw_decode over the bytes as they come, not by lines);
heartbeats ignored. Remote candidates ("candidate:..." lines, no sdpMid on the wire) are held until
the remote description is set, then added with sdpMid = the data channel's media section.

aiortc differences, on purpose and documented:
  * aiortc gathers all candidates inside setLocalDescription and puts them in the SDP; this peer
    sends that SDP and then also sends every local candidate as a "candidate" message, so a peer
    that relies on trickle (the original) gets them too (duplicates are ignored by ICE agents).
  * RTCConfiguration() without iceServers silently adds a public STUN server: the list is always
    given explicitly (empty unless -ice-servers).
  * -loopback-only: aioice never offers 127.0.0.1 (aioice.ice.get_host_addresses skips it), so the
    flag replaces that function by one that returns ["127.0.0.1"] (nothing else is gathered).

-channels N (bulk only), as pion-peer's channels.go: the offerer opens <label>-0 .. <label>-(N-1)
and sends -bytes/N on each (the first -bytes%N one byte more) at once, channel i seeded -seed+i,
each with its own end and done markers; the answerer expects N channels (BulkGroup sums them).
"""

import argparse
import asyncio
import hashlib
import functools
import importlib
import json
import random
import re
import sys
import time

import aiohttp
import aioice.ice
from aiortc import RTCConfiguration, RTCIceServer, RTCPeerConnection, RTCSessionDescription
from aiortc.sdp import candidate_from_sdp, candidate_to_sdp

OFFERER_GREETING = "Hello from the Offerer!"
ANSWERER_GREETING = "Hello from the Answerer!"
BULK_END = "__bulk_end__ "
BULK_DONE = "__bulk_done__ "

START = time.monotonic()


def now_ms(since=START):
    return round((time.monotonic() - since) * 1000, 3)


def emit(event, **fields):
    fields["event"] = event
    fields["t_ms"] = now_ms()
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def go_bool(value):
    if isinstance(value, bool):
        return value
    return value.lower() in ("1", "t", "true", "yes")


def go_duration(value):
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m|h)?", value)
    if not m:
        raise argparse.ArgumentTypeError(f"bad duration {value!r}")
    return float(m.group(1)) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600, None: 1}[m.group(2)]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("-role", default="answerer", choices=["offerer", "answerer"])
    p.add_argument("-signaling-addr", dest="addr", default="http://127.0.0.1:8080")
    p.add_argument("-id", default="")
    p.add_argument("-remote-id", dest="remote_id", default="")
    p.add_argument("-label", default="testChannel")
    p.add_argument("-mode", default="hello", choices=["hello", "echo", "ping", "bulk"])
    p.add_argument("-ice-servers", dest="ice_servers", default="")
    p.add_argument("-ice-username", dest="ice_username", default="")
    p.add_argument("-ice-password", dest="ice_password", default="")
    p.add_argument("-loopback-only", dest="loopback_only", type=go_bool, nargs="?", const=True, default=False)
    p.add_argument("-relay-only", dest="relay_only", type=go_bool, nargs="?", const=True, default=False)
    p.add_argument("-ordered", type=go_bool, nargs="?", const=True, default=True)
    p.add_argument("-max-retransmits", dest="max_retransmits", type=int, default=-1)
    p.add_argument("-max-packet-life-time", dest="max_packet_life_time", type=int, default=-1)
    p.add_argument("-bytes", type=int, default=0)
    p.add_argument("-msg-size", dest="msg_size", type=int, default=16384)
    p.add_argument("-count", type=int, default=100)
    p.add_argument("-buffer-high", dest="buffer_high", type=int, default=1 << 20)
    p.add_argument("-seed", type=int, default=1)
    p.add_argument("-timeout", type=go_duration, default=60.0)
    p.add_argument("-channels", type=int, default=1)
    o = p.parse_args()
    if o.channels < 1 or (o.channels > 1 and o.mode != "bulk"):
        p.error("-channels must be 1, or more with -mode bulk")
    if not o.id:
        o.id = "offer-peer-1" if o.role == "offerer" else "answer-peer-1"
    if not o.remote_id:
        o.remote_id = "answer-peer-1" if o.role == "offerer" else "offer-peer-1"
    return o


def candidate_fields(c):
    return {"type": c.type, "protocol": c.protocol.lower(), "address": c.ip, "port": c.port, "priority": c.priority}


class Peer:
    def __init__(self, o):
        self.o = o
        self.result = asyncio.get_event_loop().create_future()
        self.outbox = asyncio.Queue()
        self.pc = None
        self.session = None
        self.remote_set = False
        self.held = []
        self.offer_time = None
        self.tasks = []
        self.reported_pair = None
        self.group = BulkGroup(self, o.channels) if o.channels > 1 else None

    def finish(self, ok, **fields):
        if not self.result.done():
            self.result.set_result(dict(ok=ok, **fields))

    def fail(self, reason):
        self.finish(False, reason=reason)

    def send(self, typ, content):
        self.outbox.put_nowait({"type": typ, "content": content, "to": self.o.remote_id, "from": self.o.id})

    async def send_loop(self):
        while True:
            m = await self.outbox.get()
            async with self.session.post(self.o.addr + "/send", data=json.dumps(m),
                                         headers={"Content-Type": "application/json"}) as r:
                body = await r.text()
                if r.status != 200:
                    self.fail(f"POST /send {m['type']}: {r.status} {body.strip()}")
                    return
            emit("signal", direction="out", type=m["type"])

    async def receive_loop(self, response):
        decoder = json.JSONDecoder()
        buf = ""
        raw = b""
        while True:
            chunk = await response.content.readany()
            if not chunk:
                emit("signaling_closed", error="end of stream")
                return
            raw += chunk
            try:
                buf += raw.decode("utf-8")
                raw = b""
            except UnicodeDecodeError:
                continue  # a multi-byte character split across chunks
            while True:
                buf = buf.lstrip()
                if not buf:
                    break
                try:
                    m, end = decoder.raw_decode(buf)
                except json.JSONDecodeError:
                    break  # incomplete object: wait for more bytes
                buf = buf[end:]
                try:
                    await self.handle(m)
                except Exception as e:  # a bad message must not kill the loop silently
                    self.fail(f"handling {m.get('type')}: {e!r}")

    async def handle(self, m):
        typ = m.get("type")
        if typ == "heartbeat":
            return
        emit("signal", direction="in", type=typ, **{"from": m.get("from", "")})
        if typ == "offer":
            if self.o.role != "answerer":
                emit("error", error="offerer got an offer; ignored")
                return
            await self.set_remote(RTCSessionDescription(sdp=m["content"], type="offer"))
            answer = await self.pc.createAnswer()
            await self.pc.setLocalDescription(answer)  # gathers all candidates
            self.send("answer", self.pc.localDescription.sdp)
            self.trickle_local()
        elif typ == "answer":
            await self.set_remote(RTCSessionDescription(sdp=m["content"], type="answer"))
        elif typ == "candidate":
            held = not self.remote_set
            emit("candidate", source="remote", candidate=m["content"], held=held)
            if held:
                self.held.append(m["content"])
            else:
                await self.add_candidate(m["content"])
        else:
            emit("error", error=f"unknown signaling message type {typ}")

    async def set_remote(self, desc):
        await self.pc.setRemoteDescription(desc)
        self.remote_set = True
        held, self.held = self.held, []
        for line in held:
            await self.add_candidate(line)

    async def add_candidate(self, line):
        text = line[len("candidate:"):] if line.startswith("candidate:") else line
        if not text.strip():
            return
        try:
            c = candidate_from_sdp(text)
        except Exception as e:
            emit("error", error=f"unparsable candidate: {e!r}", candidate=line)
            return
        c.sdpMid = self.pc.sctp.mid  # aiortc 1.4 matches candidates to transports by sdpMid only
        await self.pc.addIceCandidate(c)

    def trickle_local(self):
        gatherer = self.pc.sctp.transport.transport.iceGatherer
        for c in gatherer.getLocalCandidates():
            line = "candidate:" + candidate_to_sdp(c)
            emit("candidate", source="local", candidate=line, **candidate_fields(c))
            self.send("candidate", line)
        emit("gathering_complete")

    def selected_pair(self):
        try:
            conn = self.pc.sctp.transport.transport._connection
            pair = conn._nominated.get(1)
            if pair is None:
                return
            lc, rc = pair.local_candidate, pair.remote_candidate
            key = (lc.host, lc.port, rc.host, rc.port)
            if key == self.reported_pair:
                return
            self.reported_pair = key
            emit("selected_pair",
                 local={"type": lc.type, "protocol": lc.transport.lower(), "address": lc.host, "port": lc.port},
                 remote={"type": rc.type, "protocol": rc.transport.lower(), "address": rc.host, "port": rc.port})
        except Exception as e:
            emit("error", error=f"selected pair unavailable: {e!r}")

    async def run(self):
        o = self.o
        servers = []
        if o.ice_servers:
            servers.append(RTCIceServer(urls=o.ice_servers.split(","), username=o.ice_username or None,
                                        credential=o.ice_password or None))
        self.pc = pc = RTCPeerConnection(RTCConfiguration(iceServers=servers))

        @pc.on("connectionstatechange")
        def _():
            emit("state", kind="peer", state=pc.connectionState)
            if pc.connectionState == "failed":
                self.fail("peer connection failed")

        @pc.on("iceconnectionstatechange")
        def _():
            emit("state", kind="ice", state=pc.iceConnectionState)
            if pc.iceConnectionState == "completed":
                self.selected_pair()

        @pc.on("icegatheringstatechange")
        def _():
            emit("state", kind="gathering", state=pc.iceGatheringState)

        @pc.on("signalingstatechange")
        def _():
            emit("state", kind="signaling", state=pc.signalingState)

        self.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None))
        try:
            response = await self.session.get(o.addr + "/receive", params={"id": o.id})
        except Exception as e:
            return dict(ok=False, reason=f"GET /receive: {e!r}")
        if response.status != 200:
            return dict(ok=False, reason=f"GET /receive: {response.status} {(await response.text()).strip()}")
        self.tasks.append(asyncio.ensure_future(self.send_loop()))
        self.tasks.append(asyncio.ensure_future(self.receive_loop(response)))
        emit("ready", role=o.role, id=o.id, remote_id=o.remote_id, mode=o.mode)

        if o.role == "offerer":
            kwargs = {"ordered": o.ordered}
            if o.max_retransmits >= 0:
                kwargs["maxRetransmits"] = o.max_retransmits
            if o.max_packet_life_time >= 0:
                kwargs["maxPacketLifeTime"] = o.max_packet_life_time
            for i in range(o.channels):
                self.attach(pc.createDataChannel(f"{o.label}-{i}" if o.channels > 1 else o.label, **kwargs))
            self.offer_time = time.monotonic()
            await pc.setLocalDescription(await pc.createOffer())
            self.send("offer", pc.localDescription.sdp)
            self.trickle_local()
        else:
            pc.on("datachannel", self.attach)

        try:
            return await asyncio.wait_for(asyncio.shield(self.result), o.timeout)
        except asyncio.TimeoutError:
            return dict(ok=False, reason=f"timeout after {o.timeout:g}s")

    def attach(self, dc):
        mode = {"hello": Hello, "echo": Echo, "ping": Ping, "bulk": BulkSender if self.o.bytes > 0 else BulkReceiver}[self.o.mode](self, dc)
        if self.group is not None:
            mode.index = self.group.index(dc.label)

        def on_open():
            fields = {"label": dc.label, "ordered": dc.ordered, "id": dc.id}
            if dc.maxRetransmits is not None:
                fields["max_retransmits"] = dc.maxRetransmits
            if dc.maxPacketLifeTime is not None:
                fields["max_packet_life_time"] = dc.maxPacketLifeTime
            if self.offer_time is not None:
                fields["setup_ms"] = now_ms(self.offer_time)
            emit("channel_open", **fields)
            # aiortc fires ICE "completed" before the pair may be read in some orders; report it here too
            self.selected_pair()
            asyncio.ensure_future(mode.open())

        ended = []

        def on_close():
            emit("channel_close", label=dc.label)
            if not ended:
                ended.append(True)
                mode.closed()

        dtls = self.pc.sctp.transport

        def on_dtls_state():
            # aiortc 1.4 does not close its data channels when the remote ends DTLS (close_notify);
            # without this the channel would look open until ICE consent fails ~30 s later.
            emit("state", kind="dtls", state=dtls.state)
            if dtls.state in ("closed", "failed") and not ended:
                ended.append(True)
                mode.closed()

        dc.on("message", mode.message)
        dc.on("close", on_close)
        dtls.on("statechange", on_dtls_state)
        if dc.readyState == "open":  # the answerer's channel arrives already open
            on_open()
        else:
            dc.on("open", on_open)

    async def drained(self, dc, limit=5.0):
        """Until what we sent was acknowledged by the remote's SCTP (or the channel closed)."""
        deadline = time.monotonic() + limit
        sctp = self.pc.sctp
        # The remote may close first (it finished too): then its last SACK never comes, but the
        # DTLS transport leaves "connected" (close_notify), which ends the wait as well.
        while dc.readyState == "open" and sctp.transport.state == "connected" and time.monotonic() < deadline:
            if dc.bufferedAmount == 0 and not getattr(sctp, "_outbound_queue", None) and not getattr(sctp, "_sent_queue", None):
                return
            await asyncio.sleep(0.005)


def message_event(dc, data):
    fields = {"label": dc.label, "is_string": isinstance(data, str),
              "length": len(data.encode() if isinstance(data, str) else data)}
    if isinstance(data, str) and len(data) <= 1024:
        fields["text"] = data
    emit("message", **fields)


def send_text(dc, text):
    dc.send(text)
    emit("sent", label=dc.label, text=text)


class Hello:
    def __init__(self, peer, dc):
        self.peer, self.dc = peer, dc
        self.sent = self.got = self.done = False
        self.received = None
        offerer = peer.o.role == "offerer"
        self.mine = OFFERER_GREETING if offerer else ANSWERER_GREETING
        self.theirs = ANSWERER_GREETING if offerer else OFFERER_GREETING

    async def open(self):
        send_text(self.dc, self.mine)
        self.sent = True
        await self.check()

    def message(self, data):
        message_event(self.dc, data)
        if not self.got:
            self.got, self.received = True, data
        if data != self.theirs:
            self.peer.fail(f"expected greeting {self.theirs!r}, got {data!r}")
            return
        asyncio.ensure_future(self.check())

    async def check(self):
        if self.sent and self.got and not self.done:
            self.done = True
            await self.peer.drained(self.dc)
            self.peer.finish(True, sent=self.mine, received=self.received)

    def closed(self):
        if self.sent and self.got:
            self.peer.finish(True, sent=self.mine, received=self.received)
        else:
            self.peer.fail("data channel closed before the greetings were exchanged")


class Echo:
    def __init__(self, peer, dc):
        self.peer, self.dc = peer, dc
        self.echoed = self.bytes = 0

    async def open(self):
        pass

    def message(self, data):
        self.dc.send(data)
        self.echoed += 1
        self.bytes += len(data.encode() if isinstance(data, str) else data)

    def closed(self):
        self.peer.finish(True, echoed=self.echoed, bytes=self.bytes)


def percentile(sorted_values, q):
    if not sorted_values:
        return 0
    i = min(max(int(q * len(sorted_values) + 0.5) - 1, 0), len(sorted_values) - 1)
    return sorted_values[i]


class Ping:
    def __init__(self, peer, dc):
        self.peer, self.dc = peer, dc
        self.pending = asyncio.Queue()
        self.done = False

    async def open(self):
        o = self.peer.o
        rng = random.Random(o.seed)
        rtts = []
        for i in range(o.count):
            payload = rng.randbytes(o.msg_size)
            t = time.monotonic()
            self.dc.send(payload)
            try:
                got = await asyncio.wait_for(self.pending.get(), 10)
            except asyncio.TimeoutError:
                self.peer.fail(f"no echo of message {i} within 10 s")
                return
            rtts.append(now_ms(t))
            if got != payload:
                self.peer.fail(f"echo {i} differs from what was sent")
                return
        self.done = True
        rtts.sort()
        self.dc.close()
        self.peer.finish(True, count=len(rtts), msg_size=o.msg_size, rtt_p50_ms=percentile(rtts, 0.5),
                         rtt_p99_ms=percentile(rtts, 0.99), rtt_max_ms=rtts[-1])

    def message(self, data):
        self.pending.put_nowait(data)

    def closed(self):
        if not self.done:
            self.peer.fail("data channel closed during the ping")


class BulkSender:
    def __init__(self, peer, dc):
        self.peer, self.dc = peer, dc
        self.done = asyncio.get_event_loop().create_future()
        self.low = asyncio.Event()
        self.index = 0  # the channel's index with -channels > 1

    async def open(self):
        o, dc, group = self.peer.o, self.dc, self.peer.group
        total = group.share(self.index) if group else o.bytes
        dc.bufferedAmountLowThreshold = o.buffer_high // 2
        dc.on("bufferedamountlow", self.low.set)
        rng = random.Random(o.seed + self.index)
        h = hashlib.sha256()
        if group:
            group.started()
        t0 = time.monotonic()
        sent = messages = 0
        while sent < total:
            chunk = rng.randbytes(min(o.msg_size, total - sent))
            h.update(chunk)
            while dc.bufferedAmount > o.buffer_high:
                self.low.clear()
                try:
                    await asyncio.wait_for(self.low.wait(), 0.1)
                except asyncio.TimeoutError:
                    pass
            dc.send(chunk)
            sent += len(chunk)
            messages += 1
            if messages % 16 == 0:
                await asyncio.sleep(0)  # let the SCTP transport run
        digest = h.hexdigest()
        dc.send(BULK_END + json.dumps({"bytes": sent, "messages": messages, "sha256": digest}))
        emit("bulk_sent", bytes=sent, messages=messages, sha256=digest, ms=now_ms(t0))
        try:
            theirs = await asyncio.wait_for(self.done, o.timeout)
        except asyncio.TimeoutError:
            self.peer.fail("no done marker from the receiver")
            return
        seconds = time.monotonic() - t0
        res = dict(bytes=sent, messages=messages, msg_size=o.msg_size, sha256=digest, seconds=seconds,
                   mbps=sent * 8 / seconds / 1e6, receiver=theirs)
        reliable = o.ordered and o.max_retransmits < 0 and o.max_packet_life_time < 0
        ok = not (reliable and theirs.get("sha256") != digest)
        if not ok:
            res["reason"] = "the receiver's SHA-256 differs from the sender's"
        if group:
            group.add(self.index, ok, res)
        else:
            self.peer.finish(ok, **res)

    def message(self, data):
        if isinstance(data, str) and data.startswith(BULK_DONE):
            if not self.done.done():
                self.done.set_result(json.loads(data[len(BULK_DONE):]))
            return
        message_event(self.dc, data)

    def closed(self):
        self.peer.fail("data channel closed during the bulk transfer")


class BulkReceiver:
    def __init__(self, peer, dc):
        self.peer, self.dc = peer, dc
        self.h = hashlib.sha256()
        self.bytes = self.messages = 0
        self.first = self.last = None
        self.finished = False
        self.index = 0  # the channel's index with -channels > 1

    async def open(self):
        pass

    def message(self, data):
        if isinstance(data, str) and data.startswith(BULK_END):
            theirs = json.loads(data[len(BULK_END):])
            self.finished = True
            digest = self.h.hexdigest()
            seconds = (self.last - self.first) if self.first is not None else 0
            res = dict(bytes=self.bytes, messages=self.messages, sha256=digest, seconds=seconds, sender=theirs)
            if seconds > 0:
                res["mbps"] = self.bytes * 8 / seconds / 1e6
            self.dc.send(BULK_DONE + json.dumps({"bytes": self.bytes, "messages": self.messages, "sha256": digest}))

            async def done():
                await self.peer.drained(self.dc)
                if self.peer.group:
                    self.peer.group.add(self.index, True, res, self.first, self.last)
                else:
                    self.peer.finish(True, **res)
            asyncio.ensure_future(done())
            return
        if isinstance(data, str):
            data = data.encode()
        if self.first is None:
            self.first = time.monotonic()
        self.last = time.monotonic()
        self.h.update(data)
        self.bytes += len(data)
        self.messages += 1

    def closed(self):
        if not self.finished:
            self.peer.fail("data channel closed before the end marker")


class BulkGroup:
    """Bulk over -channels N data channels (see the module's docstring): sums the channels' results.
    sha256s lists each channel's SHA-256 by index; sha256 is the SHA-256 of that list joined by ","."""

    def __init__(self, peer, n):
        self.peer, self.n = peer, n
        self.results = [None] * n
        self.start = self.first = self.last = None
        self.next = 0

    def index(self, label):
        m = re.search(r"-(\d+)$", label)
        if m and int(m.group(1)) < self.n:
            return int(m.group(1))
        i = self.next % self.n
        self.next += 1
        return i

    def share(self, i):
        o = self.peer.o
        return o.bytes // self.n + (1 if i < o.bytes % self.n else 0)

    def started(self):
        if self.start is None:
            self.start = time.monotonic()

    def add(self, i, ok, res, first=None, last=None):
        if self.results[i] is not None:
            self.peer.fail(f"channel {i} finished twice")
            return
        self.results[i] = dict(ok=ok, index=i, **res)
        if first is not None and (self.first is None or first < self.first):
            self.first = first
        if last is not None and (self.last is None or last > self.last):
            self.last = last
        if any(r is None for r in self.results):
            return
        o = self.peer.o
        sums = [r.get("sha256", "") for r in self.results]
        nbytes = sum(r["bytes"] for r in self.results)
        if o.bytes > 0:
            seconds = time.monotonic() - self.start
        else:
            seconds = (self.last - self.first) if self.first is not None else 0
        out = dict(channels=self.n, bytes=nbytes, messages=sum(r["messages"] for r in self.results), msg_size=o.msg_size,
                   sha256=hashlib.sha256(",".join(sums).encode()).hexdigest(), sha256s=sums, seconds=seconds,
                   per_channel=self.results)
        if seconds > 0:
            out["mbps"] = nbytes * 8 / seconds / 1e6
        bad = [r for r in self.results if not r["ok"]]
        if bad:
            out["reason"] = f"channel {bad[0]['index']}: {bad[0].get('reason')}"
        self.peer.finish(not bad, **out)


async def main():
    o = parse_args()
    if o.loopback_only:
        # aioice.ice.get_host_addresses() skips 127.0.0.1 (and ::1) by design; for loopback-only
        # tests, make it offer exactly 127.0.0.1. Connection.gather_candidates() looks the
        # function up in its module at call time, so replacing the module attribute suffices.
        aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]
    if o.relay_only:
        # aiortc 1.4 has no iceTransportPolicy; aioice's Connection has transport_policy (RELAY:
        # no host or server-reflexive candidates). RTCIceGatherer looks Connection up in its
        # module when it is created, so replacing that name suffices.
        # aioice 0.8 with RELAY still binds a host socket per address and pairs it with the remote
        # candidates (it only leaves it out of the candidate list), so its checks could leave from
        # an unannounced host address; with no host addresses there is no such socket and only
        # the TURN allocation (gathered independently of them) remains.
        ice_transport_module = importlib.import_module("aiortc.rtcicetransport")
        ice_transport_module.Connection = functools.partial(aioice.Connection, transport_policy=aioice.TransportPolicy.RELAY)
        aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: []
    peer = Peer(o)
    try:
        res = await peer.run()
    except Exception as e:
        res = dict(ok=False, reason=f"{type(e).__name__}: {e}")
    res["mode"] = o.mode
    res["role"] = o.role
    emit("result", **res)
    for t in peer.tasks:
        t.cancel()
    try:
        if peer.pc is not None:
            await asyncio.wait_for(peer.pc.close(), 5)
        if peer.session is not None:
            await peer.session.close()
    except Exception:
        pass
    return 0 if res.get("ok") else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
