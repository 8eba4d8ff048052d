#!/usr/bin/env python3
"""NAT lab probe: checks the lab without WebRtcPS (python3 standard library only).

Subcommands (each prints one JSON object per line on stdout):
  server    --addr A --addr B --port P1 --port P2 [--tcp-port N ...]
            An RFC 5780-like UDP echo on two addresses x two ports. A request names the endpoints
            the answer must come from; each answer reports the source endpoint the server saw.
            TCP listeners on A answer a connect with the endpoint seen, then close.
  classify  --server A --alt B --port P1 --alt-port P2
            From a LAN host: measures the NAT's mapping and filtering behaviour (RFC 4787 terms,
            tests after RFC 5780 section 4.3 and 4.4).
  tcp       --connect IP:PORT ...           open / refused / timeout for each
  stun      --server IP:PORT [--tcp]         one STUN Binding (RFC 8489): mapped, origin, other address
  turn      --server IP:PORT [--tcp] [--user U --password P] [--peer IP:PORT]
            a TURN allocation (RFC 8656); with --peer, one probe request relayed to a probe server
  wait      --stun IP:PORT ... --tcp IP:PORT ... --seconds S   until all answer (coturn readiness)
  listen    --port N --seconds S [--until-marker]   prints ready, then the datagrams received
  send      --to IP:PORT ... [--data TEXT]   one unsolicited datagram to each
  deadend   --to IP                          UDP and TCP to an address outside the lab: no error expected
  selfcheck --lab-net 198.18.0.0/15          no route out of the lab, only veth/bridge/lo links, IPv6 off
"""
import argparse
import hashlib
import hmac
import ipaddress
import json
import os
import selectors
import socket
import struct
import subprocess
import sys
import time

EI, AD, APD = 'endpoint-independent', 'address-dependent', 'address-and-port-dependent'


def out(obj):
    print(json.dumps(obj), flush=True)


def endpoint(text):
    host, _, port = text.rpartition(':')
    return host, int(port)


def fmt(ep):
    return f'{ep[0]}:{ep[1]}'


# ---------------------------------------------------------------- server

def serve(args):
    sel = selectors.DefaultSelector()
    udp = {}
    for a in args.addr:
        for p in args.port:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind((a, p))
            udp[fmt((a, p))] = s
            sel.register(s, selectors.EVENT_READ, 'udp')
    for p in args.tcp_port:
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        t.bind((args.addr[0], p))
        t.listen(16)
        sel.register(t, selectors.EVENT_READ, 'tcp')
    out({'ready': sorted(udp), 'tcp': args.tcp_port})
    while True:
        for key, _ in sel.select():
            s = key.fileobj
            if key.data == 'tcp':
                c, peer = s.accept()
                try:
                    c.sendall((json.dumps({'seen': fmt(peer)}) + '\n').encode())
                finally:
                    c.close()
                continue
            data, peer = s.recvfrom(2048)
            try:
                req = json.loads(data)
            except ValueError:
                continue
            reply = json.dumps({'id': req.get('id'), 'seen': fmt(peer)})
            for name in req.get('reply', []):
                sender = udp.get(name)
                if sender is not None:
                    body = json.loads(reply)
                    body['from'] = name
                    sender.sendto(json.dumps(body).encode(), peer)


# ---------------------------------------------------------------- client

def ask(sock, to, reply_from, wait, linger=0.1):
    """Sends a request to `to` (again every 0.25 s) until the answer from reply_from[-1] comes or
    `wait` passes. The server answers in the order asked, so answers that may be filtered are asked
    first and the one that always passes last; once it is here, the others had their chance.
    Returns {endpoint answered from: endpoint the server saw}."""
    rid = os.urandom(6).hex()
    request = json.dumps({'id': rid, 'reply': reply_from}).encode()
    got, start, last_send, done_at = {}, time.monotonic(), 0.0, None
    while True:
        now = time.monotonic()
        if done_at is None and reply_from[-1] in got:
            done_at = now
        if done_at is not None and (now - done_at >= linger or len(got) == len(reply_from)):
            break
        if now - start >= wait:
            break
        if done_at is None and now - last_send >= 0.25:
            sock.sendto(request, to)
            last_send = now
        sock.settimeout(0.02 if done_at is None else linger)
        try:
            data, _ = sock.recvfrom(2048)
        except socket.timeout:
            continue
        body = json.loads(data)
        if body.get('id') == rid:
            got[body['from']] = body['seen']
    return got


def classify(args):
    a, b, p1, p2 = args.server, args.alt, args.port, args.alt_port
    primary, alt_addr, alt_both, alt_port = fmt((a, p1)), fmt((b, p1)), fmt((b, p2)), fmt((a, p2))
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.connect((a, p1))
    local_ip = probe.getsockname()[0]
    probe.close()

    # Mapping (RFC 5780 4.3): one socket asks A:P1, B:P1, B:P2 for the endpoint they saw.
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('0.0.0.0', 0))
    local = fmt((local_ip, s.getsockname()[1]))
    m1 = ask(s, (a, p1), [primary], args.timeout).get(primary)
    if m1 is None:
        out({'local': local, 'udp': False, 'nat': None, 'mapping': None, 'filtering': None})
        return
    m2 = ask(s, (b, p1), [alt_addr], args.timeout).get(alt_addr)
    m3 = ask(s, (b, p2), [alt_both], args.timeout).get(alt_both)
    if m2 is None or m3 is None:
        mapping = None
    elif m1 == m2:
        mapping = EI
    elif m2 == m3:
        mapping = AD
    else:
        mapping = APD
    s.close()

    # Filtering (RFC 5780 4.4): a fresh socket, whose mapping has talked only to A:P1, asks for
    # answers from all four endpoints at once; which of them get through tells the filter.
    f = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    f.bind(('0.0.0.0', 0))
    answers = sorted(ask(f, (a, p1), [alt_both, alt_addr, alt_port, primary], args.timeout))
    f.close()
    if alt_addr in answers or alt_both in answers:
        filtering = EI
    elif alt_port in answers:
        filtering = AD
    else:
        filtering = APD
    out({'local': local, 'udp': True, 'nat': m1 != local, 'mapped': [m1, m2, m3], 'mapping': mapping,
         'filtering': filtering, 'answered_from': answers})


def tcp(args):
    result = {}
    for text in args.connect:
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t.settimeout(args.timeout)
        try:
            t.connect(endpoint(text))
            result[text] = 'open'
        except socket.timeout:
            result[text] = 'timeout'
        except ConnectionRefusedError:
            result[text] = 'refused'
        except OSError as e:
            result[text] = errname(e)
        finally:
            t.close()
    out(result)


def errname(e):
    import errno
    return errno.errorcode.get(e.errno, str(e))


# ---------------------------------------------------------------- STUN and TURN (RFC 8489, 5780, 8656)

COOKIE = 0x2112A442
XOR_ADDRESS = {0x0020: 'xor_mapped', 0x0016: 'xor_relayed', 0x0012: 'xor_peer'}
PLAIN_ADDRESS = {0x0001: 'mapped', 0x802b: 'response_origin', 0x802c: 'other_address'}


def attr(atype, value):
    return struct.pack('!HH', atype, len(value)) + value + b'\0' * (-len(value) % 4)


def xor_address(ep):
    port = ep[1] ^ (COOKIE >> 16)
    addr = bytes(x ^ y for x, y in zip(socket.inet_aton(ep[0]), struct.pack('!I', COOKIE)))
    return struct.pack('!BBH', 0, 1, port) + addr


def message(mtype, tid, attrs, key=None):
    """A STUN message; with `key`, MESSAGE-INTEGRITY (RFC 8489 14.5) over everything before it."""
    body = b''.join(attrs)
    if key is None:
        return struct.pack('!HHI', mtype, len(body), COOKIE) + tid + body
    head = struct.pack('!HHI', mtype, len(body) + 24, COOKIE) + tid
    mac = hmac.new(key, head + body, hashlib.sha1).digest()
    return head + body + attr(0x0008, mac)


def decode(data):
    mtype, length, cookie = struct.unpack('!HHI', data[:8])
    if cookie != COOKIE:
        return None
    attrs, pos = {'type': mtype, 'tid': data[8:20]}, 20
    while pos + 4 <= 20 + length:
        atype, alen = struct.unpack('!HH', data[pos:pos + 4])
        value = data[pos + 4:pos + 4 + alen]
        pos += 4 + (alen + 3) // 4 * 4
        if atype in XOR_ADDRESS or atype in PLAIN_ADDRESS:
            if len(value) < 8 or value[1] != 1:
                continue
            port, = struct.unpack('!H', value[2:4])
            addr = bytes(value[4:8])
            if atype in XOR_ADDRESS:
                port ^= COOKIE >> 16
                addr = bytes(x ^ y for x, y in zip(addr, struct.pack('!I', COOKIE)))
            attrs[XOR_ADDRESS.get(atype) or PLAIN_ADDRESS[atype]] = fmt((socket.inet_ntoa(addr), port))
        elif atype == 0x0009:
            attrs['error'] = (value[2] & 7) * 100 + value[3]
        elif atype == 0x0014:
            attrs['realm'] = value
        elif atype == 0x0015:
            attrs['nonce'] = value
        elif atype == 0x0013:
            attrs['data'] = value
        elif atype == 0x000d:
            attrs['lifetime'] = struct.unpack('!I', value)[0]
    return attrs


class Channel:
    """STUN messages to one server over UDP (requests sent again every 0.25 s) or TCP (framed by
    the STUN header's length)."""

    def __init__(self, server, tcp, timeout):
        self.server, self.tcp, self.timeout, self.buf = server, tcp, timeout, b''
        if tcp:
            self.sock = socket.create_connection(server, timeout=timeout)
        else:
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

    def close(self):
        self.sock.close()

    def _receive(self, wait):
        if self.tcp:
            self.sock.settimeout(wait)
            while len(self.buf) < 20 or len(self.buf) < 20 + struct.unpack('!H', self.buf[2:4])[0]:
                chunk = self.sock.recv(4096)
                if not chunk:
                    raise ConnectionResetError('server closed the connection')
                self.buf += chunk
            n = 20 + struct.unpack('!H', self.buf[2:4])[0]
            data, self.buf = self.buf[:n], self.buf[n:]
            return data
        self.sock.settimeout(wait)
        return self.sock.recvfrom(4096)[0]

    def send(self, data):
        if self.tcp:
            self.sock.sendall(data)
        else:
            self.sock.sendto(data, self.server)

    def wait_for(self, match, resend=None):
        deadline, last = time.monotonic() + self.timeout, 0.0
        while True:
            now = time.monotonic()
            if now >= deadline:
                raise socket.timeout('no answer')
            if resend is not None and not self.tcp and now - last >= 0.25:
                self.send(resend)
                last = now
            try:
                m = decode(self._receive(max(0.001, min(0.25, deadline - now))))
            except socket.timeout:
                continue
            if m is not None and match(m):
                return m

    def request(self, data):
        tid = data[8:20]
        if self.tcp:
            self.send(data)
        return self.wait_for(lambda m: m['tid'] == tid, resend=data)


def stun_once(server, use_tcp, timeout):
    ch = Channel(server, use_tcp, timeout)
    try:
        m = ch.request(message(0x0001, os.urandom(12), []))
    finally:
        ch.close()
    m['success'] = m['type'] == 0x0101
    return {k: v for k, v in m.items() if k not in ('type', 'tid')}


def stun(args):
    try:
        out(stun_once(endpoint(args.server), args.tcp, args.timeout))
    except OSError as e:
        out({'success': False, 'error': errname(e) if e.errno else 'timeout'})


def turn(args):
    """TURN (RFC 8656) with the long-term credential: Allocate, CreatePermission for the peer, a Send
    indication carrying a probe request, and the peer's answer as a Data indication. The answer's
    'seen' is the relayed address as the peer saw it."""
    ch = Channel(endpoint(args.server), args.tcp, args.timeout)
    result = {}
    try:
        transport = attr(0x0019, struct.pack('!I', 17 << 24))          # REQUESTED-TRANSPORT: UDP
        first = ch.request(message(0x0003, os.urandom(12), [transport]))
        if first.get('error') != 401:
            raise RuntimeError(f'Allocate without credentials answered {first}')
        realm, nonce = first['realm'], first['nonce']
        key = hashlib.md5(f'{args.user}:{realm.decode()}:{args.password}'.encode()).digest()
        auth = [attr(0x0006, args.user.encode()), attr(0x0014, realm), attr(0x0015, nonce)]
        alloc = ch.request(message(0x0003, os.urandom(12), [transport] + auth, key))
        if alloc['type'] != 0x0103:
            raise RuntimeError(f'Allocate failed: error {alloc.get("error")}')
        result.update(relayed=alloc['xor_relayed'], mapped=alloc.get('xor_mapped'), lifetime=alloc.get('lifetime'))
        if args.peer:
            peer = endpoint(args.peer)
            perm = ch.request(message(0x0008, os.urandom(12), [attr(0x0012, xor_address(peer))] + auth, key))
            if perm['type'] != 0x0108:
                raise RuntimeError(f'CreatePermission failed: error {perm.get("error")}')
            rid = os.urandom(6).hex()
            probe = json.dumps({'id': rid, 'reply': [args.peer]}).encode()
            send = message(0x0016, os.urandom(12), [attr(0x0012, xor_address(peer)), attr(0x0013, probe)])
            ch.send(send)
            data = ch.wait_for(lambda m: m['type'] == 0x0017 and rid.encode() in m.get('data', b''), resend=send)
            result['peer_saw'] = json.loads(data['data'])['seen']
            result['peer'] = data['xor_peer']
        ch.request(message(0x0004, os.urandom(12), [attr(0x000d, struct.pack('!I', 0))] + auth, key))  # Refresh 0: free it
        result['success'] = True
    except (OSError, RuntimeError) as e:
        result.update(success=False, error=str(e) or 'timeout')
    finally:
        ch.close()
    out(result)


def wait(args):
    deadline = time.monotonic() + args.seconds
    pending = [('stun', e) for e in args.stun] + [('tcp', e) for e in args.tcp]
    while pending and time.monotonic() < deadline:
        kind, text = pending[0]
        try:
            if kind == 'stun':
                ok = (stun_once(endpoint(text), False, 0.2) or {}).get('success')
            else:
                socket.create_connection(endpoint(text), timeout=0.2).close()
                ok = True
        except OSError:
            ok = False
        if ok:
            pending.pop(0)
        else:
            time.sleep(0.05)
    out({'ready': not pending, 'waiting_for': [t for _, t in pending]})
    sys.exit(0 if not pending else 1)


# ---------------------------------------------------------------- unsolicited inbound

def listen(args):
    """Prints every datagram until `seconds` pass or, with --until-marker, shortly after a datagram
    saying 'marker' (sent after the datagrams under test, by a path that always delivers)."""
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(('0.0.0.0', args.port))
    out({'ready': args.port})
    got, marker, deadline = [], False, time.monotonic() + args.seconds
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        u.settimeout(left)
        try:
            data, src = u.recvfrom(2048)
        except socket.timeout:
            break
        if args.until_marker and data == b'marker':
            marker, deadline = True, min(deadline, time.monotonic() + 0.2)
            continue
        got.append({'from': fmt(src), 'data': data.decode(errors='replace')})
    out({'received': got, 'marker': marker})


def send(args):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    result = {}
    for text in args.to:
        try:
            u.sendto(args.data.encode(), endpoint(text))
            result[text] = 'sent'
        except OSError as e:
            result[text] = errname(e)
    out(result)


# ---------------------------------------------------------------- dead end, self check

def deadend(args):
    """On the Internet a datagram to a host that is not there just vanishes: sendto succeeds and no
    ICMP error comes back; a TCP connect times out. ENETUNREACH/EHOSTUNREACH would mean a missing route."""
    result = {}
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.connect((args.to, 9))
        for _ in range(3):
            u.send(b'x')
        result['udp_send'] = 'ok'
        u.settimeout(args.timeout)
        try:
            u.recv(16)
            result['udp_error'] = 'answered'
        except socket.timeout:
            result['udp_error'] = None
        except OSError as e:
            result['udp_error'] = errname(e)
    except OSError as e:
        result['udp_send'] = errname(e)
    finally:
        u.close()
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.settimeout(args.timeout)
    try:
        t.connect((args.to, 80))
        result['tcp'] = 'open'
    except socket.timeout:
        result['tcp'] = 'timeout'
    except OSError as e:
        result['tcp'] = errname(e)
    finally:
        t.close()
    out(result)


def ip_json(*argv):
    text = subprocess.run(['ip', '-j', *argv], check=True, capture_output=True, text=True).stdout
    return json.loads(text) if text.strip() else []


def selfcheck(args):
    lab = ipaddress.ip_network(args.lab_net)
    loopback = ipaddress.ip_network('127.0.0.0/8')
    problems = []
    routes = ip_json('-4', 'route', 'show', 'table', 'all')
    for r in routes:
        dst = r.get('dst')
        if dst == 'default':
            gw = r.get('gateway')
            if gw is None and r.get('dev') != 'deadend':
                problems.append(f'default route via {r.get("dev")}, not the dead end')
            if gw is not None and ipaddress.ip_address(gw) not in lab:
                problems.append(f'default gateway {gw} outside the lab')
            continue
        net = ipaddress.ip_network(dst, strict=False)
        if not (net.subnet_of(lab) or net.subnet_of(loopback)):
            problems.append(f'route to {dst} (table {r.get("table", "main")})')
    for link in ip_json('-d', 'link'):
        kind = (link.get('linkinfo') or {}).get('info_kind')
        if link.get('link_type') != 'loopback' and kind not in ('veth', 'bridge'):
            problems.append(f'link {link["ifname"]} of kind {kind}')
        if link['ifname'] == 'deadend-peer' and 'UP' in link.get('flags', []):
            problems.append('the dead end peer is up')
    v6 = []
    conf = '/proc/sys/net/ipv6/conf'
    if os.path.isdir(conf):
        for dev in sorted(os.listdir(conf)):
            with open(os.path.join(conf, dev, 'disable_ipv6')) as fh:
                if fh.read().strip() != '1':
                    v6.append(dev)
    if v6:
        problems.append('IPv6 on for ' + ', '.join(v6))
    for link in ip_json('-6', 'addr'):
        if link.get('addr_info'):
            problems.append(f'IPv6 address on {link["ifname"]}')
    if ip_json('-6', 'route', 'show', 'table', 'all'):
        problems.append('IPv6 routes present')
    out({'ok': not problems, 'problems': problems, 'routes': len(routes)})


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest='cmd', required=True)
    p = sub.add_parser('server')
    p.add_argument('--addr', action='append', required=True)
    p.add_argument('--port', action='append', type=int, required=True)
    p.add_argument('--tcp-port', action='append', type=int, default=[])
    p.set_defaults(run=serve)
    p = sub.add_parser('classify')
    p.add_argument('--server', required=True)
    p.add_argument('--alt', required=True)
    p.add_argument('--port', type=int, required=True)
    p.add_argument('--alt-port', type=int, required=True)
    p.add_argument('--timeout', type=float, default=2.0)
    p.set_defaults(run=classify)
    p = sub.add_parser('tcp')
    p.add_argument('--connect', action='append', required=True)
    p.add_argument('--timeout', type=float, default=1.0)
    p.set_defaults(run=tcp)
    p = sub.add_parser('stun')
    p.add_argument('--server', required=True)
    p.add_argument('--tcp', action='store_true')
    p.add_argument('--timeout', type=float, default=2.0)
    p.set_defaults(run=stun)
    p = sub.add_parser('turn')
    p.add_argument('--server', required=True)
    p.add_argument('--tcp', action='store_true')
    p.add_argument('--user', default='alice')
    p.add_argument('--password', default='secret')
    p.add_argument('--peer')
    p.add_argument('--timeout', type=float, default=3.0)
    p.set_defaults(run=turn)
    p = sub.add_parser('wait')
    p.add_argument('--stun', action='append', default=[])
    p.add_argument('--tcp', action='append', default=[])
    p.add_argument('--seconds', type=float, default=15)
    p.set_defaults(run=wait)
    p = sub.add_parser('listen')
    p.add_argument('--port', type=int, required=True)
    p.add_argument('--seconds', type=float, default=1.0)
    p.add_argument('--until-marker', action='store_true')
    p.set_defaults(run=listen)
    p = sub.add_parser('send')
    p.add_argument('--to', action='append', required=True)
    p.add_argument('--data', default='unsolicited')
    p.set_defaults(run=send)
    p = sub.add_parser('deadend')
    p.add_argument('--to', required=True)
    p.add_argument('--timeout', type=float, default=0.3)
    p.set_defaults(run=deadend)
    p = sub.add_parser('selfcheck')
    p.add_argument('--lab-net', default='198.18.0.0/15')
    p.set_defaults(run=selfcheck)
    args = ap.parse_args()
    args.run(args)


if __name__ == '__main__':
    main()
