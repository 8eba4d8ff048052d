// pion-peer re-creates the original tool's WebRTC client (see /work/shared/SEED-PROTOCOL.md) on
// pion/webrtc v3, as a test peer whose output is machine-readable: one JSON object per line on
// stdout, each with "event" and "t_ms" (milliseconds since start).
//
// Signaling is the original's: POST {addr}/send with {"type","content","to","from"}; GET
// {addr}/receive?id= read with a json.Decoder loop; offer/answer carry SDP text, candidate carries
// the "candidate:..." line; heartbeats are ignored. Candidates are trickled; remote candidates that
// arrive before the remote description are held and applied right after it is set.
//
// Modes: hello (the original's greetings, then exit), echo (return every message), ping (send
// -count messages one by one to an echo peer, report RTTs), bulk (-bytes > 0: send that many
// seeded-random bytes in -msg-size messages, then an end marker; -bytes 0: receive and report the
// SHA-256 of what arrived; with -channels N, over N data channels in parallel: channels.go).
// Exit code 0 when the "result" line says ok, 1 otherwise.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pion/ice/v2"
	"github.com/pion/webrtc/v3"
)

// Message is the original tool's signaling message.
type Message struct {
	Type    string `json:"type"`
	Content string `json:"content"`
	To      string `json:"to"`
	From    string `json:"from"`
}

const (
	offererGreeting  = "Hello from the Offerer!"
	answererGreeting = "Hello from the Answerer!"
	bulkEndPrefix    = "__bulk_end__ "
	bulkDonePrefix   = "__bulk_done__ "
)

var (
	start = time.Now()
	outMu sync.Mutex
)

func since(t time.Time) float64 { return float64(time.Since(t).Microseconds()) / 1000 }

// emit prints one JSON event line.
func emit(event string, fields map[string]interface{}) {
	if fields == nil {
		fields = map[string]interface{}{}
	}
	fields["event"] = event
	fields["t_ms"] = since(start)
	b, err := json.Marshal(fields)
	if err != nil {
		b = []byte(fmt.Sprintf(`{"event":"error","error":%q}`, err.Error()))
	}
	outMu.Lock()
	os.Stdout.Write(append(b, '\n'))
	outMu.Unlock()
}

type options struct {
	role, addr, id, remoteID, label, mode string
	iceServers, iceUser, icePass          string
	loopbackOnly, relayOnly, mdns         bool
	ordered                               bool
	maxRetransmits, maxPacketLifeTime     int
	bytes, msgSize, count                 int
	channels                              int
	bufferHigh                            int
	seed                                  int64
	timeout                               time.Duration
}

type peer struct {
	o       options
	pc      *webrtc.PeerConnection
	http    *http.Client
	outbox  chan Message
	resultC chan map[string]interface{}
	// Closed once SetLocalDescription(offer) has returned: the offer is posted before it (so it
	// precedes every candidate), and an answer that comes back first must wait for it.
	localSet chan struct{}

	mu             sync.Mutex
	remoteDescSet  bool
	heldCandidates []string
	offerTime      time.Time
	dc             *webrtc.DataChannel
	group          *bulkGroup                 // -channels > 1
	peerState      webrtc.PeerConnectionState // the last "peer" state event written
}

func main() {
	var o options
	flag.StringVar(&o.role, "role", "answerer", "offerer or answerer")
	flag.StringVar(&o.addr, "signaling-addr", "http://127.0.0.1:8080", "signaling server base URL")
	flag.StringVar(&o.id, "id", "", "own id (default offer-peer-1 / answer-peer-1 by role)")
	flag.StringVar(&o.remoteID, "remote-id", "", "remote id (default answer-peer-1 / offer-peer-1 by role)")
	flag.StringVar(&o.label, "label", "testChannel", "data channel label (offerer)")
	flag.StringVar(&o.mode, "mode", "hello", "hello | echo | ping | bulk")
	flag.StringVar(&o.iceServers, "ice-servers", "", "comma-separated ICE server URLs (stun:/turn:/turns:); empty: host candidates only")
	flag.StringVar(&o.iceUser, "ice-username", "", "TURN user name")
	flag.StringVar(&o.icePass, "ice-password", "", "TURN password")
	flag.BoolVar(&o.loopbackOnly, "loopback-only", false, "gather only 127.0.0.1 host candidates (UDP4), for loopback tests")
	flag.BoolVar(&o.mdns, "mdns", false, "hide host candidates behind a .local name and resolve the peer's (pion's mDNS query-and-gather mode)")
	flag.BoolVar(&o.relayOnly, "relay-only", false, "ICE transport policy relay: gather and use only TURN relay candidates")
	flag.BoolVar(&o.ordered, "ordered", true, "ordered data channel (offerer)")
	flag.IntVar(&o.maxRetransmits, "max-retransmits", -1, "partial reliability: max retransmits (offerer; -1 = reliable)")
	flag.IntVar(&o.maxPacketLifeTime, "max-packet-life-time", -1, "partial reliability: max packet lifetime in ms (offerer; -1 = reliable)")
	flag.IntVar(&o.bytes, "bytes", 0, "bulk: bytes to send (0: this peer receives)")
	flag.IntVar(&o.msgSize, "msg-size", 16384, "bulk/ping: message size in bytes")
	flag.IntVar(&o.count, "count", 100, "ping: number of round trips")
	flag.IntVar(&o.channels, "channels", 1, "bulk: data channels in parallel (offerer opens <label>-0..N-1 and sends -bytes/N on each; answerer expects N)")
	flag.IntVar(&o.bufferHigh, "buffer-high", 1<<20, "bulk: pause sending while bufferedAmount exceeds this")
	flag.Int64Var(&o.seed, "seed", 1, "bulk: seed of the random payload")
	flag.DurationVar(&o.timeout, "timeout", 60*time.Second, "give up (result ok=false) after this long")
	flag.Parse()

	if o.role != "offerer" && o.role != "answerer" {
		fmt.Fprintln(os.Stderr, "-role must be offerer or answerer")
		os.Exit(2)
	}
	if o.id == "" {
		o.id = map[string]string{"offerer": "offer-peer-1", "answerer": "answer-peer-1"}[o.role]
	}
	if o.remoteID == "" {
		o.remoteID = map[string]string{"offerer": "answer-peer-1", "answerer": "offer-peer-1"}[o.role]
	}

	if o.channels < 1 || (o.channels > 1 && o.mode != "bulk") {
		fmt.Fprintln(os.Stderr, "-channels must be 1, or more with -mode bulk")
		os.Exit(2)
	}

	p := &peer{o: o, http: &http.Client{}, outbox: make(chan Message, 1024), resultC: make(chan map[string]interface{}, 4), localSet: make(chan struct{})}
	if o.channels > 1 {
		p.group = newBulkGroup(p, o.channels)
	}
	res := p.run()
	ok, _ := res["ok"].(bool)
	res["mode"] = o.mode
	res["role"] = o.role
	if p.pc != nil {
		p.awaitStateEvents(5 * time.Second)
	}
	emit("result", res)
	if p.pc != nil {
		p.pc.Close()
	}
	if !ok {
		os.Exit(1)
	}
}

// awaitStateEvents waits (up to limit) until the connection's current state has been written as
// an event: pion calls OnConnectionStateChange on a goroutine of its own, which a loaded machine
// may run only after a short exchange is over, and the transcript must not end without it.
func (p *peer) awaitStateEvents(limit time.Duration) {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		p.mu.Lock()
		written := p.peerState
		p.mu.Unlock()
		if written == p.pc.ConnectionState() {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

func fail(reason string) map[string]interface{} {
	return map[string]interface{}{"ok": false, "reason": reason}
}

func (p *peer) finish(res map[string]interface{}) {
	select {
	case p.resultC <- res:
	default:
	}
}

func (p *peer) run() map[string]interface{} {
	o := p.o
	se := webrtc.SettingEngine{}
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	if o.mdns {
		se.SetICEMulticastDNSMode(ice.MulticastDNSModeQueryAndGather)
	}
	if o.loopbackOnly {
		// pion drops loopback interfaces and addresses unless told otherwise (ice/v2 net.go);
		// then keep only loopback IPv4 so both peers pair 127.0.0.1 with 127.0.0.1.
		se.SetIncludeLoopbackCandidate(true)
		se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
		se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	}
	api := webrtc.NewAPI(webrtc.WithSettingEngine(se))

	config := webrtc.Configuration{ICEServers: []webrtc.ICEServer{}}
	if o.iceServers != "" {
		server := webrtc.ICEServer{URLs: strings.Split(o.iceServers, ",")}
		if o.iceUser != "" {
			server.Username = o.iceUser
			server.Credential = o.icePass
			server.CredentialType = webrtc.ICECredentialTypePassword
		}
		config.ICEServers = append(config.ICEServers, server)
	}
	if o.relayOnly {
		config.ICETransportPolicy = webrtc.ICETransportPolicyRelay
	}
	pc, err := api.NewPeerConnection(config)
	if err != nil {
		return fail("NewPeerConnection: " + err.Error())
	}
	p.pc = pc
	p.peerState = webrtc.PeerConnectionStateNew // pion writes no event for the state it starts in

	pc.OnICECandidate(func(c *webrtc.ICECandidate) {
		if c == nil {
			emit("gathering_complete", nil)
			return
		}
		line := c.ToJSON().Candidate
		emit("candidate", map[string]interface{}{"source": "local", "candidate": line, "type": c.Typ.String(),
			"protocol": c.Protocol.String(), "address": c.Address, "port": c.Port, "priority": c.Priority})
		p.send("candidate", line)
	})
	pc.OnICEConnectionStateChange(func(s webrtc.ICEConnectionState) {
		emit("state", map[string]interface{}{"kind": "ice", "state": s.String()})
	})
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		emit("state", map[string]interface{}{"kind": "peer", "state": s.String()})
		p.mu.Lock()
		p.peerState = s
		p.mu.Unlock()
		if s == webrtc.PeerConnectionStateFailed {
			p.finish(fail("peer connection failed"))
		}
	})
	pc.OnSignalingStateChange(func(s webrtc.SignalingState) {
		emit("state", map[string]interface{}{"kind": "signaling", "state": s.String()})
	})
	pc.OnICEGatheringStateChange(func(s webrtc.ICEGathererState) {
		emit("state", map[string]interface{}{"kind": "gathering", "state": s.String()})
	})
	pc.SCTP().Transport().ICETransport().OnSelectedCandidatePairChange(func(pair *webrtc.ICECandidatePair) {
		emit("selected_pair", map[string]interface{}{
			"local":  map[string]interface{}{"type": pair.Local.Typ.String(), "protocol": pair.Local.Protocol.String(), "address": pair.Local.Address, "port": pair.Local.Port},
			"remote": map[string]interface{}{"type": pair.Remote.Typ.String(), "protocol": pair.Remote.Protocol.String(), "address": pair.Remote.Address, "port": pair.Remote.Port},
		})
	})

	// The receive stream first (the original registers, then acts), then the sender loop.
	resp, err := p.http.Get(o.addr + "/receive?id=" + url.QueryEscape(o.id))
	if err != nil {
		return fail("GET /receive: " + err.Error())
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		return fail(fmt.Sprintf("GET /receive: %d %s", resp.StatusCode, bytes.TrimSpace(body)))
	}
	go p.sendLoop()
	go p.receiveLoop(resp.Body)
	emit("ready", map[string]interface{}{"role": o.role, "id": o.id, "remote_id": o.remoteID, "mode": o.mode})

	if o.role == "offerer" {
		init := &webrtc.DataChannelInit{Ordered: &o.ordered}
		if o.maxRetransmits >= 0 {
			v := uint16(o.maxRetransmits)
			init.MaxRetransmits = &v
		}
		if o.maxPacketLifeTime >= 0 {
			v := uint16(o.maxPacketLifeTime)
			init.MaxPacketLifeTime = &v
		}
		for i := 0; i < o.channels; i++ {
			label := o.label
			if o.channels > 1 {
				label = fmt.Sprintf("%s-%d", o.label, i)
			}
			dc, err := pc.CreateDataChannel(label, init)
			if err != nil {
				return fail("CreateDataChannel: " + err.Error())
			}
			p.attach(dc)
		}
		offer, err := pc.CreateOffer(nil)
		if err != nil {
			return fail("CreateOffer: " + err.Error())
		}
		p.mu.Lock()
		p.offerTime = time.Now()
		p.mu.Unlock()
		// Queue the offer before SetLocalDescription starts gathering, so that it precedes
		// every candidate on the wire (the server keeps order per sender).
		p.send("offer", offer.SDP)
		err = pc.SetLocalDescription(offer)
		close(p.localSet)
		if err != nil {
			return fail("SetLocalDescription: " + err.Error())
		}
	} else {
		pc.OnDataChannel(func(dc *webrtc.DataChannel) { p.attach(dc) })
	}

	select {
	case res := <-p.resultC:
		return res
	case <-time.After(o.timeout):
		return fail(fmt.Sprintf("timeout after %s", o.timeout))
	}
}

// send queues a signaling message; one goroutine posts them in order.
func (p *peer) send(typ, content string) {
	p.outbox <- Message{Type: typ, Content: content, To: p.o.remoteID, From: p.o.id}
}

func (p *peer) sendLoop() {
	for m := range p.outbox {
		payload, _ := json.Marshal(m)
		r, err := p.http.Post(p.o.addr+"/send", "application/json", bytes.NewReader(payload))
		if err != nil {
			p.finish(fail("POST /send: " + err.Error()))
			return
		}
		body, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if r.StatusCode != http.StatusOK {
			p.finish(fail(fmt.Sprintf("POST /send %s: %d %s", m.Type, r.StatusCode, bytes.TrimSpace(body))))
			return
		}
		emit("signal", map[string]interface{}{"direction": "out", "type": m.Type})
	}
}

func (p *peer) receiveLoop(body io.Reader) {
	decoder := json.NewDecoder(body)
	for {
		var m Message
		if err := decoder.Decode(&m); err != nil {
			emit("signaling_closed", map[string]interface{}{"error": err.Error()})
			return
		}
		if m.Type == "heartbeat" {
			continue
		}
		emit("signal", map[string]interface{}{"direction": "in", "type": m.Type, "from": m.From})
		switch m.Type {
		case "offer":
			if p.o.role != "answerer" {
				emit("error", map[string]interface{}{"error": "offerer got an offer; ignored"})
				continue
			}
			if err := p.setRemote(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: m.Content}); err != nil {
				p.finish(fail("SetRemoteDescription(offer): " + err.Error()))
				return
			}
			answer, err := p.pc.CreateAnswer(nil)
			if err != nil {
				p.finish(fail("CreateAnswer: " + err.Error()))
				return
			}
			p.send("answer", answer.SDP)
			if err := p.pc.SetLocalDescription(answer); err != nil {
				p.finish(fail("SetLocalDescription(answer): " + err.Error()))
				return
			}
		case "answer":
			<-p.localSet
			if err := p.setRemote(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: m.Content}); err != nil {
				p.finish(fail("SetRemoteDescription(answer): " + err.Error()))
				return
			}
		case "candidate":
			p.mu.Lock()
			held := !p.remoteDescSet
			if held {
				p.heldCandidates = append(p.heldCandidates, m.Content)
			}
			p.mu.Unlock()
			emit("candidate", map[string]interface{}{"source": "remote", "candidate": m.Content, "held": held})
			if !held {
				p.addCandidate(m.Content)
			}
		default:
			emit("error", map[string]interface{}{"error": "unknown signaling message type " + m.Type})
		}
	}
}

func (p *peer) setRemote(d webrtc.SessionDescription) error {
	if err := p.pc.SetRemoteDescription(d); err != nil {
		return err
	}
	p.mu.Lock()
	p.remoteDescSet = true
	held := p.heldCandidates
	p.heldCandidates = nil
	p.mu.Unlock()
	for _, c := range held {
		p.addCandidate(c)
	}
	return nil
}

func (p *peer) addCandidate(line string) {
	if err := p.pc.AddICECandidate(webrtc.ICECandidateInit{Candidate: line}); err != nil {
		emit("error", map[string]interface{}{"error": "AddICECandidate: " + err.Error(), "candidate": line})
	}
}

// attach wires the data channel to the mode.
func (p *peer) attach(dc *webrtc.DataChannel) {
	p.mu.Lock()
	p.dc = dc
	p.mu.Unlock()
	var m modeHandler
	switch p.o.mode {
	case "hello":
		m = &helloMode{p: p, sendDone: make(chan struct{})}
	case "echo":
		m = &echoMode{p: p}
	case "ping":
		m = &pingMode{p: p, pending: make(chan []byte, 1)}
	case "bulk":
		index, bytes, seed := 0, p.o.bytes, p.o.seed
		if p.group != nil {
			index = p.group.index(dc.Label())
			bytes, seed = p.group.share(index), p.o.seed+int64(index)
		}
		if p.o.bytes > 0 {
			m = &bulkSender{p: p, done: make(chan string, 1), low: make(chan struct{}, 1), index: index, bytes: bytes, seed: seed}
		} else {
			m = &bulkReceiver{p: p, hash: sha256.New(), index: index}
		}
	default:
		p.finish(fail("unknown -mode " + p.o.mode))
		return
	}
	dc.OnOpen(func() {
		fields := map[string]interface{}{"label": dc.Label(), "ordered": dc.Ordered()}
		if id := dc.ID(); id != nil {
			fields["id"] = *id
		}
		if v := dc.MaxRetransmits(); v != nil {
			fields["max_retransmits"] = *v
		}
		if v := dc.MaxPacketLifeTime(); v != nil {
			fields["max_packet_life_time"] = *v
		}
		p.mu.Lock()
		if !p.offerTime.IsZero() {
			fields["setup_ms"] = since(p.offerTime)
		}
		p.mu.Unlock()
		emit("channel_open", fields)
		go m.open(dc)
	})
	dc.OnMessage(func(msg webrtc.DataChannelMessage) { m.message(dc, msg) })
	dc.OnClose(func() {
		emit("channel_close", map[string]interface{}{"label": dc.Label()})
		m.closed()
	})
}

type modeHandler interface {
	open(dc *webrtc.DataChannel)
	message(dc *webrtc.DataChannel, msg webrtc.DataChannelMessage)
	closed()
}

func sendText(dc *webrtc.DataChannel, s string) error {
	err := dc.SendText(s)
	if err == nil {
		emit("sent", map[string]interface{}{"label": dc.Label(), "text": s})
	}
	return err
}

func messageEvent(dc *webrtc.DataChannel, msg webrtc.DataChannelMessage) {
	f := map[string]interface{}{"label": dc.Label(), "is_string": msg.IsString, "length": len(msg.Data)}
	if msg.IsString && len(msg.Data) <= 1024 {
		f["text"] = string(msg.Data)
	}
	emit("message", f)
}

// waitDrained waits until the SCTP layer has had everything sent acknowledged (bufferedAmount 0),
// the channel closed, or the limit passed, so that exiting does not cut off our last message.
func waitDrained(dc *webrtc.DataChannel, limit time.Duration) {
	deadline := time.Now().Add(limit)
	for dc.BufferedAmount() > 0 && dc.ReadyState() == webrtc.DataChannelStateOpen && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
}

// hello: the original's behaviour.
type helloMode struct {
	p               *peer
	mu              sync.Mutex
	sending         bool          // open has started sending our greeting
	sendDone        chan struct{} // closed when that send has returned
	sent, got, done bool
	received        string
}

func (h *helloMode) greetings() (mine, theirs string) {
	if h.p.o.role == "offerer" {
		return offererGreeting, answererGreeting
	}
	return answererGreeting, offererGreeting
}

func (h *helloMode) open(dc *webrtc.DataChannel) {
	mine, _ := h.greetings()
	h.mu.Lock()
	h.sending = true
	h.mu.Unlock()
	err := sendText(dc, mine)
	close(h.sendDone)
	if err != nil {
		h.p.finish(fail("send greeting: " + err.Error()))
		return
	}
	h.mu.Lock()
	h.sent = true
	h.mu.Unlock()
	h.check(dc)
}

func (h *helloMode) message(dc *webrtc.DataChannel, msg webrtc.DataChannelMessage) {
	messageEvent(dc, msg)
	_, theirs := h.greetings()
	h.mu.Lock()
	if !h.got {
		h.received = string(msg.Data)
		h.got = true
	}
	h.mu.Unlock()
	if string(msg.Data) != theirs {
		h.p.finish(fail(fmt.Sprintf("expected greeting %q, got %q", theirs, string(msg.Data))))
		return
	}
	go h.check(dc)
}

func (h *helloMode) check(dc *webrtc.DataChannel) {
	h.mu.Lock()
	ready := h.sent && h.got && !h.done
	if ready {
		h.done = true
	}
	received := h.received
	h.mu.Unlock()
	if !ready {
		return
	}
	waitDrained(dc, 5*time.Second)
	mine, _ := h.greetings()
	h.p.finish(map[string]interface{}{"ok": true, "sent": mine, "received": received})
}

func (h *helloMode) closed() {
	// The remote closes once it has our greeting, which may be while our send is still returning
	// on the open goroutine (a loaded machine): its outcome decides, so wait for it.
	h.mu.Lock()
	sending := h.sending
	h.mu.Unlock()
	if sending {
		select {
		case <-h.sendDone:
		case <-time.After(5 * time.Second):
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.sent && h.got {
		// The remote finished first and closed: both greetings were exchanged, ours acknowledged.
		mine, _ := h.greetings()
		h.p.finish(map[string]interface{}{"ok": true, "sent": mine, "received": h.received})
		return
	}
	h.p.finish(fail("data channel closed before the greetings were exchanged"))
}

// echo: send every message back, same bytes, same kind; ends (ok) when the channel closes.
type echoMode struct {
	p      *peer
	mu     sync.Mutex
	echoed int
	bytes  int
}

func (e *echoMode) open(dc *webrtc.DataChannel) {}

func (e *echoMode) message(dc *webrtc.DataChannel, msg webrtc.DataChannelMessage) {
	var err error
	if msg.IsString {
		err = dc.SendText(string(msg.Data))
	} else {
		err = dc.Send(msg.Data)
	}
	if err != nil {
		emit("error", map[string]interface{}{"error": "echo: " + err.Error()})
		return
	}
	e.mu.Lock()
	e.echoed++
	e.bytes += len(msg.Data)
	e.mu.Unlock()
}

func (e *echoMode) closed() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.p.finish(map[string]interface{}{"ok": true, "echoed": e.echoed, "bytes": e.bytes})
}

// ping: -count round trips of -msg-size binary messages to an echo peer.
type pingMode struct {
	p       *peer
	pending chan []byte
	done    bool
	mu      sync.Mutex
}

func (m *pingMode) open(dc *webrtc.DataChannel) {
	rng := rand.New(rand.NewSource(m.p.o.seed))
	rtts := make([]float64, 0, m.p.o.count)
	buf := make([]byte, m.p.o.msgSize)
	for i := 0; i < m.p.o.count; i++ {
		rng.Read(buf)
		t := time.Now()
		if err := dc.Send(buf); err != nil {
			m.p.finish(fail("ping send: " + err.Error()))
			return
		}
		select {
		case got := <-m.pending:
			rtts = append(rtts, since(t))
			if !bytes.Equal(got, buf) {
				m.p.finish(fail(fmt.Sprintf("echo %d differs from what was sent", i)))
				return
			}
		case <-time.After(10 * time.Second):
			m.p.finish(fail(fmt.Sprintf("no echo of message %d within 10 s", i)))
			return
		}
	}
	m.mu.Lock()
	m.done = true
	m.mu.Unlock()
	sorted := append([]float64(nil), rtts...)
	sort.Float64s(sorted)
	// Close the channel (an SCTP stream reset) and give the reset a moment to complete, so the
	// echo peer sees its channel close rather than only the connection going away.
	dc.Close()
	for deadline := time.Now().Add(2 * time.Second); dc.ReadyState() != webrtc.DataChannelStateClosed && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	m.p.finish(map[string]interface{}{"ok": true, "count": len(rtts), "msg_size": m.p.o.msgSize,
		"rtt_p50_ms": percentile(sorted, 0.50), "rtt_p99_ms": percentile(sorted, 0.99), "rtt_max_ms": sorted[len(sorted)-1]})
}

func percentile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	if i < 0 {
		i = 0
	}
	if i >= len(sorted) {
		i = len(sorted) - 1
	}
	return sorted[i]
}

func (m *pingMode) message(dc *webrtc.DataChannel, msg webrtc.DataChannelMessage) {
	select {
	case m.pending <- append([]byte(nil), msg.Data...):
	default:
		emit("error", map[string]interface{}{"error": "unexpected extra echo"})
	}
}

func (m *pingMode) closed() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.done {
		m.p.finish(fail("data channel closed during the ping"))
	}
}

// bulk sender: -bytes of seeded random data in -msg-size binary messages, then a text end marker
// {"bytes","messages","sha256"}; the receiver answers with a done marker holding its figures.
type bulkSender struct {
	p     *peer
	done  chan string
	low   chan struct{}
	index int   // the channel's index with -channels > 1
	bytes int   // this channel's share of -bytes
	seed  int64 // -seed, plus the index with -channels > 1
}

func (b *bulkSender) open(dc *webrtc.DataChannel) {
	o := b.p.o
	high := uint64(o.bufferHigh)
	dc.SetBufferedAmountLowThreshold(high / 2)
	dc.OnBufferedAmountLow(func() {
		select {
		case b.low <- struct{}{}:
		default:
		}
	})
	rng := rand.New(rand.NewSource(b.seed))
	hash := sha256.New()
	buf := make([]byte, o.msgSize)
	if b.p.group != nil {
		b.p.group.started()
	}
	t0 := time.Now()
	sent, messages := 0, 0
	for sent < b.bytes {
		n := o.msgSize
		if b.bytes-sent < n {
			n = b.bytes - sent
		}
		chunk := buf[:n]
		rng.Read(chunk)
		hash.Write(chunk)
		for dc.BufferedAmount() > high {
			select {
			case <-b.low:
			case <-time.After(100 * time.Millisecond): // the callback may have fired before we waited
			}
		}
		if err := dc.Send(chunk); err != nil {
			b.p.finish(fail("bulk send: " + err.Error()))
			return
		}
		sent += n
		messages++
	}
	sum := hex.EncodeToString(hash.Sum(nil))
	end, _ := json.Marshal(map[string]interface{}{"bytes": sent, "messages": messages, "sha256": sum})
	if err := dc.SendText(bulkEndPrefix + string(end)); err != nil {
		b.p.finish(fail("bulk end marker: " + err.Error()))
		return
	}
	emit("bulk_sent", map[string]interface{}{"bytes": sent, "messages": messages, "sha256": sum, "ms": since(t0)})
	select {
	case done := <-b.done:
		seconds := time.Since(t0).Seconds()
		var theirs map[string]interface{}
		json.Unmarshal([]byte(done), &theirs)
		res := map[string]interface{}{"ok": true, "bytes": sent, "messages": messages, "msg_size": o.msgSize,
			"sha256": sum, "seconds": seconds, "mbps": float64(sent) * 8 / seconds / 1e6, "receiver": theirs}
		if theirs["sha256"] != sum && o.ordered && o.maxRetransmits < 0 && o.maxPacketLifeTime < 0 {
			res["ok"] = false
			res["reason"] = "the receiver's SHA-256 differs from the sender's"
		}
		if b.p.group != nil {
			b.p.group.add(b.index, res, time.Time{}, time.Time{})
			return
		}
		b.p.finish(res)
	case <-time.After(o.timeout):
		b.p.finish(fail("no done marker from the receiver"))
	}
}

func (b *bulkSender) message(dc *webrtc.DataChannel, msg webrtc.DataChannelMessage) {
	if msg.IsString && strings.HasPrefix(string(msg.Data), bulkDonePrefix) {
		b.done <- strings.TrimPrefix(string(msg.Data), bulkDonePrefix)
		return
	}
	messageEvent(dc, msg)
}

func (b *bulkSender) closed() { b.p.finish(fail("data channel closed during the bulk transfer")) }

type bulkReceiver struct {
	p    *peer
	mu   sync.Mutex
	hash interface {
		Write([]byte) (int, error)
		Sum([]byte) []byte
	}
	bytes    int
	messages int
	first    time.Time
	last     time.Time
	finished bool
	index    int // the channel's index with -channels > 1
}

func (r *bulkReceiver) open(dc *webrtc.DataChannel) {}

func (r *bulkReceiver) message(dc *webrtc.DataChannel, msg webrtc.DataChannelMessage) {
	if msg.IsString && strings.HasPrefix(string(msg.Data), bulkEndPrefix) {
		var theirs map[string]interface{}
		json.Unmarshal([]byte(strings.TrimPrefix(string(msg.Data), bulkEndPrefix)), &theirs)
		r.mu.Lock()
		r.finished = true
		sum := hex.EncodeToString(r.hash.Sum(nil))
		seconds := r.last.Sub(r.first).Seconds()
		res := map[string]interface{}{"ok": true, "bytes": r.bytes, "messages": r.messages, "sha256": sum,
			"seconds": seconds, "sender": theirs}
		if seconds > 0 {
			res["mbps"] = float64(r.bytes) * 8 / seconds / 1e6
		}
		r.mu.Unlock()
		done, _ := json.Marshal(map[string]interface{}{"bytes": res["bytes"], "messages": res["messages"], "sha256": sum})
		if err := dc.SendText(bulkDonePrefix + string(done)); err != nil {
			r.p.finish(fail("bulk done marker: " + err.Error()))
			return
		}
		go func() {
			waitDrained(dc, 5*time.Second)
			if r.p.group != nil {
				r.p.group.add(r.index, res, r.first, r.last)
				return
			}
			r.p.finish(res)
		}()
		return
	}
	r.mu.Lock()
	if r.messages == 0 {
		r.first = time.Now()
	}
	r.last = time.Now()
	r.hash.Write(msg.Data)
	r.bytes += len(msg.Data)
	r.messages++
	r.mu.Unlock()
}

func (r *bulkReceiver) closed() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.finished {
		r.p.finish(fail("data channel closed before the end marker"))
	}
}
