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
  wait      --stun IP:PORT ... --tcp IP:PORT ... --seconds S   until all answer (coturn readiness)
  listen    --port N --seconds S [--until-marker]   prints ready, then the datagrams received
  send      --to IP:PORT ... [--data TEXT]   one unsolicited datagram to each
  deadend   --to IP                          UDP and TCP to an address outside the lab: no error expected
  selfcheck --lab-net 198.18.0.0/15          no route out of the lab, only veth/bridge/lo links, IPv6 off
"""
import argparse
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


# ---------------------------------------------------------------- STUN (RFC 8489, RFC 5780 attributes)

COOKIE = 0x2112A442


def stun_request():
    tid = os.urandom(12)
    return tid, struct.pack('!HHI', 0x0001, 0, COOKIE) + tid


def stun_parse(data, tid):
    mtype, length, cookie = struct.unpack('!HHI', data[:8])
    if cookie != COOKIE or data[8:20] != tid:
        return None
    attrs, pos = {}, 20
    while pos + 4 <= 20 + length:
        atype, alen = struct.unpack('!HH', data[pos:pos + 4])
        value = data[pos + 4:pos + 4 + alen]
        pos += 4 + (alen + 3) // 4 * 4
        if len(value) >= 8 and value[1] == 1:
            port, = struct.unpack('!H', value[2:4])
            addr = bytes(value[4:8])
            if atype == 0x0020:  # XOR-MAPPED-ADDRESS
                port ^= COOKIE >> 16
                addr = bytes(x ^ y for x, y in zip(addr, struct.pack('!I', COOKIE)))
            name = {0x0001: 'mapped', 0x0020: 'xor_mapped', 0x802b: 'response_origin', 0x802c: 'other_address'}.get(atype)
            if name:
                attrs[name] = fmt((socket.inet_ntoa(addr), port))
    attrs['success'] = mtype == 0x0101
    return attrs


def stun_once(server, use_tcp, timeout):
    tid, req = stun_request()
    if use_tcp:
        t = socket.create_connection(server, timeout=timeout)
        try:
            t.sendall(req)
            data = b''
            while len(data) < 20 or len(data) < 20 + struct.unpack('!H', data[2:4])[0]:
                chunk = t.recv(2048)
                if not chunk:
                    break
                data += chunk
        finally:
            t.close()
    else:
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        deadline = time.monotonic() + timeout
        try:
            while True:
                u.sendto(req, server)
                u.settimeout(max(0.001, min(0.25, deadline - time.monotonic())))
                try:
                    data, _ = u.recvfrom(2048)
                    break
                except socket.timeout:
                    if time.monotonic() >= deadline:
                        raise
        finally:
            u.close()
    return stun_parse(data, tid)


def stun(args):
    try:
        out(stun_once(endpoint(args.server), args.tcp, args.timeout) or {'success': False})
    except OSError as e:
        out({'success': False, 'error': errname(e) if e.errno else 'timeout'})


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
