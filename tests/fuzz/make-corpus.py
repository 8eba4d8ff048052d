#!/usr/bin/env python3
"""Writes the seed corpora (tests/fuzz/corpus/<target>/) from the vectors the xunit tests use:
RFC 5769 STUN vectors, captured SCTP packets, the SDP samples, the candidate lines and URIs of
the ICE tests, the DCEP and signaling test messages; a few frames are built here from the same
RFC layouts. Re-run after changing the tests' vectors: python3 tests/fuzz/make-corpus.py"""
import os, re, struct, shutil

root = os.path.dirname(os.path.abspath(__file__))
tests = os.path.join(root, '..', 'WebRtcPS.Engine.Tests')
out = os.path.join(root, 'corpus')

def src(rel):
    with open(os.path.join(tests, rel), encoding='utf-8') as f:
        return f.read()

def hexbytes(text):
    return bytes.fromhex(''.join(c for c in text if c in '0123456789abcdefABCDEF'))

def cs_string(literal):
    return bytes(literal, 'utf-8').decode('unicode_escape').encode('latin-1').decode('utf-8')

corpus = {}
def add(target, data):
    if isinstance(data, str):
        data = data.encode('utf-8')
    corpus.setdefault(target, [])
    if data not in corpus[target]:
        corpus[target].append(data)

# STUN: every Hex.Parse("""...""") vector of the STUN tests (RFC 5769 and others).
stun = []
for rel in ['Stun/Rfc5769Tests.cs', 'Stun/Rfc5780AttributeTests.cs', 'Stun/StunAttributeTests.cs', 'Stun/StunMessageTests.cs']:
    for m in re.finditer(r'Hex\.Parse\("""(.*?)"""\)', src(rel), re.S):
        b = hexbytes(m.group(1))
        if len(b) >= 20 and b[0] < 4:
            stun.append(b)
            add('stun', b)

# ChannelData (RFC 8656 §12.4): channel 0x4000, 4 bytes; 0x4FFF, 5 bytes padded; empty data.
channel = [bytes.fromhex('4000 0004 deadbeef'), bytes.fromhex('4fff 0005 0102030405 000000'), bytes.fromhex('4001 0000')]
for c in channel:
    add('channeldata', c)
# A TURN TCP stream: STUN messages and padded ChannelData back to back.
add('turn-stream', stun[0] + channel[0] + channel[1] + stun[-1])
add('turn-stream', channel[1] + stun[0])

# Candidate lines and server URIs from the ICE tests.
for rel in ['Ice/IceCandidateTests.cs', 'Sdp/DataChannelSessionDescriptionTests.cs']:
    for m in re.finditer(r'"((?:a=)?candidate:[^"]*)"', src(rel)):
        add('candidate', cs_string(m.group(1)))
for rel in ['Ice/IceUnitTests.cs', 'Relay/RelayIceServerTests.cs']:
    if os.path.exists(os.path.join(tests, rel)):
        for m in re.finditer(r'"((?:stuns?|turns?):[^"{]*)"', src(rel)):
            add('ice-server-uri', m.group(1))
for u in ['turn:[2001:db8::1]:3478?transport=tcp', 'turns:turn.example.org', 'stuns:[::1]']:
    add('ice-server-uri', u)

# RFC 4571: first byte is the fuzz harness's limit (1 + b*257); then length-prefixed STUN frames.
frames = b''.join(struct.pack('>H', len(s)) + s for s in stun[:3])
add('rfc4571', b'\xff' + frames)
add('rfc4571', b'\x01' + frames[:40])

# mDNS (RFC 6762, RFC 1035 §4): a response for abc.local with A, and AAAA through a name pointer.
def name(n):
    return b''.join(bytes([len(l)]) + l.encode() for l in n.split('.')) + b'\0'
hdr = struct.pack('>HHHHHH', 0, 0x8400, 0, 1, 0, 1)
a = name('abc.local') + struct.pack('>HHIH', 1, 0x8001, 120, 4) + bytes([198, 18, 0, 7])
aaaa = b'\xc0\x0c' + struct.pack('>HHIH', 28, 0x8001, 120, 16) + bytes.fromhex('fd000000000000000000000000000007')
add('mdns', hdr + a + aaaa)
add('mdns', struct.pack('>HHHHHH', 0, 0x8400, 1, 1, 0, 0) + name('abc.local') + struct.pack('>HH', 1, 0x8001) + b'\xc0\x0c' + struct.pack('>HHIH', 1, 1, 120, 4) + bytes([198, 18, 0, 8]))

# SDP: the samples (CRLF, as peers send them).
samples = src('Sdp/SdpSamples.cs')
for m in re.finditer(r'public const string (\w+) = """\n(.*?)\n\s*""";', samples, re.S):
    lines = m.group(2).split('\n')
    indent = min(len(l) - len(l.lstrip()) for l in lines if l.strip())
    add('sdp', '\r\n'.join(l[indent:] for l in lines) + '\r\n')

# DTLS records (RFC 6347 §4.1): an epoch-0 handshake record, and an epoch-1 AEAD record.
add('dtls-record', bytes.fromhex('16 fefd 0000 000000000000 0010') + bytes(16))
add('dtls-record', bytes.fromhex('17 fefd 0001 000000000001 0020') + bytes(32) + bytes.fromhex('15 fefd 0001 000000000002 0002 0100'))

# SCTP: the captured packets, and each of their chunks.
for m in re.finditer(r'=\s*((?:\s*"[0-9A-Fa-f]+"\s*\+?)+);', src('Sctp/CapturedPacketTests.cs')):
    packet = hexbytes(''.join(re.findall(r'"([0-9A-Fa-f]+)"', m.group(1))))
    if len(packet) < 16:
        continue
    add('sctp', packet)
    rest = packet[12:]
    while len(rest) >= 4:
        length = struct.unpack('>H', rest[2:4])[0]
        if length < 4 or length > len(rest):
            break
        add('sctp-chunk', rest[:length])
        rest = rest[(length + 3) // 4 * 4:]

# DCEP (RFC 8832 §5): OPEN "chat" reliable, OPEN partially reliable with a protocol, ACK.
add('dcep', bytes.fromhex('03000100000000000004000063686174'))
add('dcep', bytes.fromhex('0381010000000003000500046c6162656c70726f74'))
add('dcep', bytes.fromhex('02'))

# Signaling JSON: the test messages, one per file, and back to back as on /receive.
json = [
    '{"type":"offer","content":"v=0\\r\\n","to":"b","from":"a"}',
    '{"type":"heartbeat"}',
    '{"type":"x","content":"}{\\"}","to":"b"}',
    '{"type":42}',
    '{"type":"candidate","content":"candidate:1 1 udp 2130706431 10.0.0.1 52745 typ host","to":"b","from":"a","extra":[1,{"k":null}]}',
]
for j in json:
    add('signaling-json', j)
add('signaling-stream', '\n'.join(json) + '\n')
add('signaling-stream', ''.join(json))

if os.path.isdir(out):
    shutil.rmtree(out)
for target, items in corpus.items():
    os.makedirs(os.path.join(out, target))
    for i, data in enumerate(items):
        with open(os.path.join(out, target, f'seed-{i:02d}'), 'wb') as f:
            f.write(data)
    print(f'{target}: {len(items)} seeds, {sum(map(len, items))} bytes')
