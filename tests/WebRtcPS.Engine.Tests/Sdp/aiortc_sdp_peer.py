# aiortc 1.4 as the other side of an SDP exchange, for SdpAiortcInteropTests.
#   answer: reads an offer on stdin, prints aiortc's answer.
#   offer:  prints aiortc's offer and a line ".", reads an answer on stdin, applies it, prints "accepted".
# Exit code 3: aiortc is not importable (the test skips).
import asyncio
import sys

try:
    from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
except ImportError:
    sys.exit(3)


async def main(mode):
    # An explicit empty iceServers list: aiortc otherwise adds a public STUN server.
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    try:
        if mode == "answer":
            await pc.setRemoteDescription(RTCSessionDescription(sdp=sys.stdin.read(), type="offer"))
            await pc.setLocalDescription(await pc.createAnswer())
            sys.stdout.write(pc.localDescription.sdp)
        else:
            pc.createDataChannel("chat")
            await pc.setLocalDescription(await pc.createOffer())
            sys.stdout.write(pc.localDescription.sdp + "\n.\n")
            sys.stdout.flush()
            await pc.setRemoteDescription(RTCSessionDescription(sdp=sys.stdin.read(), type="answer"))
            sys.stdout.write("accepted\n")
    finally:
        await pc.close()


asyncio.run(main(sys.argv[1]))
