namespace WebRtcPS.Engine.Tests.Sdp;

/// <summary>
/// Real-format SDP for data-channel sessions. Each constant is written with LF line ends here;
/// <see cref="Crlf"/> gives the CRLF form the peers actually send.
/// </summary>
internal static class SdpSamples
{
    public static string Crlf(string lfText) => lfText.ReplaceLineEndings("\r\n");

    public static readonly string[] All =
    [
        AiortcOffer, AiortcAnswer, PionOffer, PionAnswer, PionReoffer, ChromeOffer, ChromeOfferWithCandidates,
        ChromeAudioVideoDataOffer, FirefoxOffer, FirefoxLegacyOffer, FirefoxAnswerWithCandidates,
    ];

    // Captured on this machine from aiortc 1.4.0 (Debian python3-aiortc): createDataChannel("chat"),
    // createOffer, setLocalDescription; then the answer of a second aiortc peer. aiortc writes the
    // legacy DTLS/SCTP + a=sctpmap form, candidates and end-of-candidates in the description, and
    // ICE/DTLS attributes after them. (Addresses are the machine's documentation-range lab ones.)
    public const string AiortcOffer = """
        v=0
        o=- 4004640969 4004640969 IN IP4 0.0.0.0
        s=-
        t=0 0
        a=group:BUNDLE 0
        a=msid-semantic:WMS *
        m=application 60360 DTLS/SCTP 5000
        c=IN IP4 192.0.2.2
        a=mid:0
        a=sctpmap:5000 webrtc-datachannel 65535
        a=max-message-size:65536
        a=candidate:f957a2332b1715da3b0ef8ba684454eb 1 udp 2130706431 192.0.2.2 60360 typ host
        a=candidate:d0bcf3d9c29a2bc887618212a1623bfa 1 udp 2130706431 fd00::2 41930 typ host
        a=end-of-candidates
        a=ice-ufrag:UQr5
        a=ice-pwd:LFn7jg1DqFQL13FapopRBu
        a=fingerprint:sha-256 59:43:9B:61:0E:BC:50:3C:8E:F6:F6:62:F7:72:C8:D8:78:BF:19:58:99:73:EB:D6:3A:B4:2B:D8:46:7F:9C:EC
        a=setup:actpass

        """;

    public const string AiortcAnswer = """
        v=0
        o=- 4004640969 4004640969 IN IP4 0.0.0.0
        s=-
        t=0 0
        a=group:BUNDLE 0
        a=msid-semantic:WMS *
        m=application 37657 DTLS/SCTP 5000
        c=IN IP4 192.0.2.2
        a=mid:0
        a=sctpmap:5000 webrtc-datachannel 65535
        a=max-message-size:65536
        a=candidate:f957a2332b1715da3b0ef8ba684454eb 1 udp 2130706431 192.0.2.2 37657 typ host
        a=candidate:d0bcf3d9c29a2bc887618212a1623bfa 1 udp 2130706431 fd00::2 43050 typ host
        a=end-of-candidates
        a=ice-ufrag:FUCx
        a=ice-pwd:sfscKKDg59sbzcaqo4Z33F
        a=fingerprint:sha-256 68:59:DB:DF:49:DE:31:0F:C3:23:40:15:3D:CE:CF:37:02:AC:5C:9E:10:31:17:C9:3B:83:FB:F8:FB:28:4E:A1
        a=setup:active

        """;

    // Captured on this machine from pion/webrtc v3.1.56 (Debian golang-github-pion-webrtc.v3-dev):
    // CreateDataChannel, CreateOffer, wait for gathering, LocalDescription(); the second peer's
    // answer; then a second CreateOffer (same session id, version + 1). pion puts the fingerprint at
    // session level, writes no max-message-size (so 65536 applies) and lists component 2 candidates.
    public const string PionOffer = """
        v=0
        o=- 6883784138275460286 1795652262 IN IP4 0.0.0.0
        s=-
        t=0 0
        a=fingerprint:sha-256 D0:24:26:3B:69:3F:F6:35:C7:9E:0C:DC:0F:8D:E1:9D:ED:A6:68:E8:93:6C:58:59:A7:DD:9A:0B:0F:A5:A9:6A
        a=extmap-allow-mixed
        a=group:BUNDLE 0
        m=application 9 UDP/DTLS/SCTP webrtc-datachannel
        c=IN IP4 0.0.0.0
        a=setup:actpass
        a=mid:0
        a=sendrecv
        a=sctp-port:5000
        a=ice-ufrag:ZZPkpOKbyRGwjReM
        a=ice-pwd:hBikkLNnALjFprnicLXRWaPkhiyZicjA
        a=candidate:2070692838 1 udp 2130706431 192.0.2.2 33134 typ host
        a=candidate:2070692838 2 udp 2130706431 192.0.2.2 33134 typ host
        a=candidate:3932658255 1 udp 2130706431 fd00::2 52966 typ host
        a=candidate:3932658255 2 udp 2130706431 fd00::2 52966 typ host
        a=end-of-candidates

        """;

    public const string PionAnswer = """
        v=0
        o=- 4061190132096757825 1795652262 IN IP4 0.0.0.0
        s=-
        t=0 0
        a=fingerprint:sha-256 FC:32:54:DE:9F:8D:C3:54:E0:1D:5E:E6:89:C7:13:D2:E6:59:32:47:D4:69:83:64:E3:EF:4D:28:81:F4:F6:E3
        a=extmap-allow-mixed
        a=group:BUNDLE 0
        m=application 9 UDP/DTLS/SCTP webrtc-datachannel
        c=IN IP4 0.0.0.0
        a=setup:active
        a=mid:0
        a=sendrecv
        a=sctp-port:5000
        a=ice-ufrag:DfnApUuGGoqaGwma
        a=ice-pwd:MNfFkgWjPwKivQkhucLcCjaPYQiDWnGd
        a=candidate:2070692838 1 udp 2130706431 192.0.2.2 33736 typ host
        a=candidate:2070692838 2 udp 2130706431 192.0.2.2 33736 typ host
        a=candidate:3932658255 1 udp 2130706431 fd00::2 45394 typ host
        a=candidate:3932658255 2 udp 2130706431 fd00::2 45394 typ host
        a=end-of-candidates

        """;

    public const string PionReoffer = """
        v=0
        o=- 6883784138275460286 1795652263 IN IP4 0.0.0.0
        s=-
        t=0 0
        a=fingerprint:sha-256 D0:24:26:3B:69:3F:F6:35:C7:9E:0C:DC:0F:8D:E1:9D:ED:A6:68:E8:93:6C:58:59:A7:DD:9A:0B:0F:A5:A9:6A
        a=extmap-allow-mixed
        a=group:BUNDLE 0
        m=application 9 UDP/DTLS/SCTP webrtc-datachannel
        c=IN IP4 0.0.0.0
        a=setup:actpass
        a=mid:0
        a=sendrecv
        a=sctp-port:5000
        a=ice-ufrag:ZZPkpOKbyRGwjReM
        a=ice-pwd:hBikkLNnALjFprnicLXRWaPkhiyZicjA

        """;

    // Chrome (M100+) data-channel-only offer from createOffer(), in the format Chromium's
    // webrtc/pc/webrtc_sdp.cc writes (o= with 127.0.0.1 and version 2, msid-semantic with a space,
    // ice-options:trickle, max-message-size:262144); written from knowledge of that format, values
    // invented. Chrome never writes a=end-of-candidates.
    public const string ChromeOffer = """
        v=0
        o=- 4611731400430051336 2 IN IP4 127.0.0.1
        s=-
        t=0 0
        a=group:BUNDLE 0
        a=extmap-allow-mixed
        a=msid-semantic: WMS
        m=application 9 UDP/DTLS/SCTP webrtc-datachannel
        c=IN IP4 0.0.0.0
        a=ice-ufrag:7Ohh
        a=ice-pwd:yJzBbZ8EOuKnrxd3ZLlXzvC4
        a=ice-options:trickle
        a=fingerprint:sha-256 36:63:7F:C9:C8:A4:8F:D6:D1:5E:70:02:4C:6E:40:27:7B:87:21:66:4D:B0:9E:E6:21:1D:35:42:E4:CA:BF:19
        a=setup:actpass
        a=mid:0
        a=sctp-port:5000
        a=max-message-size:262144

        """;

    // Chrome's localDescription after gathering: the m= line and c= take the default candidate's
    // address, candidates follow c= with generation/network-id/network-cost extensions, mDNS names
    // for host candidates (same source as ChromeOffer).
    public const string ChromeOfferWithCandidates = """
        v=0
        o=- 4611731400430051336 3 IN IP4 127.0.0.1
        s=-
        t=0 0
        a=group:BUNDLE 0
        a=extmap-allow-mixed
        a=msid-semantic: WMS
        m=application 52734 UDP/DTLS/SCTP webrtc-datachannel
        c=IN IP4 198.18.0.1
        a=candidate:3174516542 1 udp 2113937151 0f1a6b58-54d4-4c4b-9d46-2c4bd6c5b7e1.local 52734 typ host generation 0 network-cost 999
        a=candidate:842163049 1 udp 1677729535 198.18.0.1 52734 typ srflx raddr 0.0.0.0 rport 0 generation 0 network-cost 999
        a=candidate:4233069003 1 tcp 1518280447 198.18.0.2 9 typ host tcptype active generation 0 network-id 1
        a=ice-ufrag:7Ohh
        a=ice-pwd:yJzBbZ8EOuKnrxd3ZLlXzvC4
        a=ice-options:trickle
        a=fingerprint:sha-256 36:63:7F:C9:C8:A4:8F:D6:D1:5E:70:02:4C:6E:40:27:7B:87:21:66:4D:B0:9E:E6:21:1D:35:42:E4:CA:BF:19
        a=setup:actpass
        a=mid:0
        a=sctp-port:5000
        a=max-message-size:262144

        """;

    // Chrome offer after getUserMedia({audio, video}) + addTrack + createDataChannel: audio, video and
    // application sections, all bundled (same source; codec list shortened as in Chromium's own
    // test fixtures).
    public const string ChromeAudioVideoDataOffer = """
        v=0
        o=- 8403615332048243445 2 IN IP4 127.0.0.1
        s=-
        t=0 0
        a=group:BUNDLE 0 1 2
        a=extmap-allow-mixed
        a=msid-semantic: WMS 5yN3bLtmvhQ1d4Ui
        m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126
        c=IN IP4 0.0.0.0
        a=rtcp:9 IN IP4 0.0.0.0
        a=ice-ufrag:Q9ru
        a=ice-pwd:3rq0nXvZz2ms/9ZBp4Hh+a1k
        a=ice-options:trickle
        a=fingerprint:sha-256 13:12:32:91:CD:E9:B3:24:77:E0:55:FF:6C:0C:88:3F:F9:0F:B1:D7:88:CB:87:07:4E:F2:55:CF:1C:EF:D9:E0
        a=setup:actpass
        a=mid:0
        a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
        a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
        a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
        a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
        a=sendrecv
        a=msid:5yN3bLtmvhQ1d4Ui 2b4c3f62-2d8e-4b52-b0a3-63a8cbd1b8d1
        a=rtcp-mux
        a=rtpmap:111 opus/48000/2
        a=rtcp-fb:111 transport-cc
        a=fmtp:111 minptime=10;useinbandfec=1
        a=rtpmap:63 red/48000/2
        a=fmtp:63 111/111
        a=rtpmap:9 G722/8000
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:13 CN/8000
        a=rtpmap:110 telephone-event/48000
        a=rtpmap:126 telephone-event/8000
        a=ssrc:3570614608 cname:4TOk42mSjXCkVIa6
        a=ssrc:3570614608 msid:5yN3bLtmvhQ1d4Ui 2b4c3f62-2d8e-4b52-b0a3-63a8cbd1b8d1
        m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103
        c=IN IP4 0.0.0.0
        a=rtcp:9 IN IP4 0.0.0.0
        a=ice-ufrag:Q9ru
        a=ice-pwd:3rq0nXvZz2ms/9ZBp4Hh+a1k
        a=ice-options:trickle
        a=fingerprint:sha-256 13:12:32:91:CD:E9:B3:24:77:E0:55:FF:6C:0C:88:3F:F9:0F:B1:D7:88:CB:87:07:4E:F2:55:CF:1C:EF:D9:E0
        a=setup:actpass
        a=mid:1
        a=extmap:14 urn:ietf:params:rtp-hdrext:toffset
        a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
        a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
        a=sendrecv
        a=msid:5yN3bLtmvhQ1d4Ui 9a1b7e8c-0f57-4c0e-8f0b-58b1f6a3c2d4
        a=rtcp-mux
        a=rtcp-rsize
        a=rtpmap:96 VP8/90000
        a=rtcp-fb:96 goog-remb
        a=rtcp-fb:96 transport-cc
        a=rtcp-fb:96 ccm fir
        a=rtcp-fb:96 nack
        a=rtcp-fb:96 nack pli
        a=rtpmap:97 rtx/90000
        a=fmtp:97 apt=96
        a=rtpmap:102 H264/90000
        a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f
        a=rtpmap:103 rtx/90000
        a=fmtp:103 apt=102
        a=ssrc-group:FID 2231627014 632943048
        a=ssrc:2231627014 cname:4TOk42mSjXCkVIa6
        a=ssrc:632943048 cname:4TOk42mSjXCkVIa6
        m=application 9 UDP/DTLS/SCTP webrtc-datachannel
        c=IN IP4 0.0.0.0
        a=ice-ufrag:Q9ru
        a=ice-pwd:3rq0nXvZz2ms/9ZBp4Hh+a1k
        a=ice-options:trickle
        a=fingerprint:sha-256 13:12:32:91:CD:E9:B3:24:77:E0:55:FF:6C:0C:88:3F:F9:0F:B1:D7:88:CB:87:07:4E:F2:55:CF:1C:EF:D9:E0
        a=setup:actpass
        a=mid:2
        a=sctp-port:5000
        a=max-message-size:262144

        """;

    // Firefox (63+) data-channel offer, in the format of Firefox's sipcc/rsdparsa SDP writer:
    // "mozilla...THIS_IS_SDPARTA" origin with version 0, fingerprint, BUNDLE, ice-options and
    // msid-semantic at session level, hex ufrag/pwd, max-message-size 1073741823. From knowledge of
    // that format; values invented.
    public const string FirefoxOffer = """
        v=0
        o=mozilla...THIS_IS_SDPARTA-99.0 7213176183380254446 0 IN IP4 0.0.0.0
        s=-
        t=0 0
        a=fingerprint:sha-256 53:87:46:4A:EA:D6:2E:D1:94:E7:B2:B4:54:33:3D:80:78:5A:51:DA:B6:60:E2:09:F4:0C:68:9D:55:46:93:A2
        a=group:BUNDLE 0
        a=ice-options:trickle
        a=msid-semantic:WMS *
        m=application 9 UDP/DTLS/SCTP webrtc-datachannel
        c=IN IP4 0.0.0.0
        a=sendrecv
        a=ice-pwd:e4a5dc8d8ef9a00a2b79ec7f2f5b3a92
        a=ice-ufrag:4c1e4b1b
        a=mid:0
        a=setup:actpass
        a=sctp-port:5000
        a=max-message-size:1073741823

        """;

    // Firefox before 63 (e.g. 60 ESR): the legacy form, "sdparta_0" mid, sctpmap with 256 streams,
    // a=sendrecv at session level too (same source as FirefoxOffer).
    public const string FirefoxLegacyOffer = """
        v=0
        o=mozilla...THIS_IS_SDPARTA-60.0 5120011239640585131 0 IN IP4 0.0.0.0
        s=-
        t=0 0
        a=sendrecv
        a=fingerprint:sha-256 03:8D:E0:E7:67:CE:1F:96:B5:AB:0C:92:A6:B0:07:EB:90:45:86:93:7A:48:C1:A0:8A:71:9F:50:18:10:0E:F2
        a=group:BUNDLE sdparta_0
        a=ice-options:trickle
        a=msid-semantic:WMS *
        m=application 9 DTLS/SCTP 5000
        c=IN IP4 0.0.0.0
        a=sendrecv
        a=ice-pwd:0b8e8a4ee1d83e5b23d4db7bdd3f2f6b
        a=ice-ufrag:a6f2c2d7
        a=mid:sdparta_0
        a=sctpmap:5000 webrtc-datachannel 256
        a=setup:actpass
        a=max-message-size:1073741823

        """;

    // Firefox answer with candidates after gathering (upper-case UDP, end-of-candidates at media
    // level) and two fingerprints of different algorithms at session level (RFC 8122 §5 allows
    // several; hand-made variant of the Firefox format to cover the list).
    public const string FirefoxAnswerWithCandidates = """
        v=0
        o=mozilla...THIS_IS_SDPARTA-99.0 3046382541398146207 0 IN IP4 0.0.0.0
        s=-
        t=0 0
        a=fingerprint:sha-256 53:87:46:4A:EA:D6:2E:D1:94:E7:B2:B4:54:33:3D:80:78:5A:51:DA:B6:60:E2:09:F4:0C:68:9D:55:46:93:A2
        a=fingerprint:sha-1 75:FA:25:E0:45:C2:46:50:07:E3:64:C1:61:48:9E:73:D3:03:F3:0A
        a=group:BUNDLE 0
        a=ice-options:trickle
        a=msid-semantic:WMS *
        m=application 49929 UDP/DTLS/SCTP webrtc-datachannel
        c=IN IP4 198.18.0.3
        a=candidate:0 1 UDP 2122252543 198.18.0.3 49929 typ host
        a=candidate:1 1 TCP 2105524479 198.18.0.3 9 typ host tcptype active
        a=candidate:2 1 UDP 8331263 198.18.0.9 51025 typ relay raddr 198.18.0.9 rport 51025
        a=sendrecv
        a=end-of-candidates
        a=ice-pwd:9d5b1f5b2b8e4c4f2a1e3c5d7e9f0a1b
        a=ice-ufrag:c0ffee01
        a=mid:0
        a=setup:active
        a=sctp-port:5000
        a=max-message-size:1073741823

        """;
}
