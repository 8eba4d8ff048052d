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

# Our DTLS handshake (Dtls/Handshake): one handshake of DtlsConnection captured on 2026-12-05 —
# the client's ClientHello (135 B) and the server's flight 4 (ServerHello, Certificate,
# ServerKeyExchange, CertificateRequest, ServerHelloDone in one datagram). The server target is fed
# datagrams as a fresh server, the client target as a client that has sent its ClientHello.
dtls_client_hello = bytes.fromhex('16FEFD0000000000000000007A0100006E000000000000006EFEFD3B6DEEAA40ED41578B97E6AE6190F95B8834DEDF0E6433BCBD53A84891F23B5000000008C02BC02CC02FC0300100003C000A0006000400170018000B00020100000D00140012040305030603080408050806040105010601000E00070004000700010000170000FF01000100')
dtls_flight4 = bytes.fromhex('16FEFD0000000000000000004C020000400000000000000040FEFD5AC7CEFF3CC2DAB0AE7B0F455E67E6C1DB8DE5485FD7DC00DF00DE9521D0B54800C02B000018FF0100010000170000000E00050002000700000B0002010016FEFD0000000000000001012A0B00011E000100000000011E00011B000118308201143081BCA0030201020208353170E2B7CA4DAF300A06082A8648CE3D0403023011310F300D06035504030C06576562525443301E170D3236313230343036333430305A170D3237303130343036333430305A3011310F300D06035504030C065765625254433059301306072A8648CE3D020106082A8648CE3D03010703420004AB8F417201A1B8FFE2AAE022EB4AF61A65FCAB755B16AE9E41F4318D700490A40FE9AECC4451DDA737451E581A6A7F8264F6683CEB9DA431BD29F67F9D4CCF69300A06082A8648CE3D0403020347003044022025EFF2117D8394F940B4CC213127171AF1774EB39672FE1A7D0B3CA8217C02CD02204191466184EDB97BA11F0C55629AC9C03B196CE8AC2B7CC20938CF12B11151C916FEFD0000000000000002009B0C00008F000200000000008F0300174104CFB45DC12DCDE66CE7145339981438875DE1E0ECD540D94EE7C03C85D74E2C1DDD901CEB2412915AF8465F6338C2C02E8885C92716586F84BBEBE3829D25A9F2040300463044022029847FEF5B1B2791A055C6B4BEFDDA300277A3F8456B551332B8193D69FC2A80022079BC8E36F0D1DD738A01D35398306F2A1100641E42142A3C77B9D20B5830945716FEFD000000000000000300250D00001900030000000000190240010012040305030603080408050806040105010601000016FEFD0000000000000004000C0E0000000004000000000000')
for target in ['dtls-server', 'dtls-client']:
    add(target, dtls_client_hello)
    add(target, dtls_flight4)
    add(target, dtls_client_hello + dtls_flight4)
# A HelloVerifyRequest (RFC 6347 §4.2.1) with an 8-byte cookie, as pion's server sends one.
add('dtls-client', bytes.fromhex('16feff00000000000000000017' '0300000b000000000000000b' 'feff08' '0102030405060708'))

if os.path.isdir(out):
    shutil.rmtree(out)
for target, items in corpus.items():
    os.makedirs(os.path.join(out, target))
    for i, data in enumerate(items):
        with open(os.path.join(out, target, f'seed-{i:02d}'), 'wb') as f:
            f.write(data)
    print(f'{target}: {len(items)} seeds, {sum(map(len, items))} bytes')
