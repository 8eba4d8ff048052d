// go-signaling-server is the performance baseline for our signaling server: the original tool's
// server re-created as a plain Go net/http program (standard library only), the way such a server
// is naturally written in Go:
//
//   - a buffered channel per peer id (created by the first /send or /receive naming it), so that
//     messages sent before the addressee connects wait in the channel;
//   - net/http's goroutine per request: each GET /receive?id= stream is one goroutine that selects
//     on the id's channel, a heartbeat ticker and the end of the request, and writes each message
//     with json.Encoder (one object per line) followed by a flush;
//   - POST /send decodes the body into the message struct and puts it on the channel without
//     blocking (a full channel answers 429, as ours does).
//
// Wire format as in SEED-PROTOCOL.md and as our server speaks it: {"type","content","to","from"},
// heartbeats {"type":"heartbeat"} on every open stream, 200 {"status":"ok"} for an accepted /send,
// 400/413/429 with {"error":...}. GET /health reports the subset of our /health the bench reads.
//
// The first stdout line is {"event":"ready","url":"http://ADDR","heartbeat_ms":N} once listening.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Message is the original tool's signaling message, field for field.
type Message struct {
	Type    string `json:"type"`
	Content string `json:"content"`
	To      string `json:"to"`
	From    string `json:"from"`
}

// mailbox is one id's channel and the stream currently reading it.
type mailbox struct {
	ch      chan Message
	mu      sync.Mutex
	current chan struct{} // closed to end the stream when a newer one for the same id opens
}

type server struct {
	heartbeat time.Duration
	queue     int
	maxBody   int64

	mu    sync.Mutex
	boxes map[string]*mailbox

	accepted, delivered, refused, heartbeats, opened int64
}

var heartbeatLine = []byte("{\"type\":\"heartbeat\"}\n")

func (s *server) box(id string) *mailbox {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.boxes[id]
	if b == nil {
		b = &mailbox{ch: make(chan Message, s.queue)}
		s.boxes[id] = b
	}
	return b
}

func reply(w http.ResponseWriter, status int, body interface{}) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}

func fail(w http.ResponseWriter, status int, reason string) {
	reply(w, status, map[string]string{"error": reason})
}

func (s *server) send(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		fail(w, http.StatusMethodNotAllowed, "POST only")
		return
	}
	var m Message
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, s.maxBody)).Decode(&m); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			fail(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("body larger than %d bytes", s.maxBody))
		} else {
			fail(w, http.StatusBadRequest, "malformed JSON: "+err.Error())
		}
		return
	}
	if m.Type == "" || m.To == "" {
		fail(w, http.StatusBadRequest, "missing field 'type' or 'to'")
		return
	}
	select {
	case s.box(m.To).ch <- m:
		atomic.AddInt64(&s.accepted, 1)
		reply(w, http.StatusOK, map[string]string{"status": "ok"})
	default:
		atomic.AddInt64(&s.refused, 1)
		w.Header().Set("Retry-After", "1")
		fail(w, http.StatusTooManyRequests, fmt.Sprintf("queue for '%s' is full (at most %d messages); retry later", m.To, s.queue))
	}
}

func (s *server) receive(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("id")
	if id == "" {
		fail(w, http.StatusBadRequest, "missing query parameter 'id'")
		return
	}
	flusher, ok := w.(http.Flusher)
	if !ok {
		fail(w, http.StatusInternalServerError, "streaming unsupported")
		return
	}
	b := s.box(id)
	mine := make(chan struct{})
	b.mu.Lock()
	if b.current != nil {
		close(b.current) // the older stream for this id ends
	}
	b.current = mine
	b.mu.Unlock()
	atomic.AddInt64(&s.opened, 1)
	defer func() {
		b.mu.Lock()
		if b.current == mine {
			b.current = nil
		}
		b.mu.Unlock()
	}()

	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	flusher.Flush() // headers now: the client knows it is connected

	enc := json.NewEncoder(w)
	ticker := time.NewTicker(s.heartbeat)
	defer ticker.Stop()
	for {
		select {
		case m := <-b.ch:
			// A message taken here and lost in a failed write is gone (the simple design).
			if enc.Encode(m) != nil {
				return
			}
			flusher.Flush()
			atomic.AddInt64(&s.delivered, 1)
		case <-ticker.C:
			if _, err := w.Write(heartbeatLine); err != nil {
				return
			}
			flusher.Flush()
			atomic.AddInt64(&s.heartbeats, 1)
		case <-mine:
			return
		case <-r.Context().Done():
			return
		}
	}
}

func (s *server) health(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	connected := []string{}
	queued := 0
	for id, b := range s.boxes {
		b.mu.Lock()
		if b.current != nil {
			connected = append(connected, id)
		}
		b.mu.Unlock()
		queued += len(b.ch)
	}
	s.mu.Unlock()
	sort.Strings(connected)
	reply(w, http.StatusOK, map[string]interface{}{
		"status":         "ok",
		"connectedIds":   connected,
		"queuedMessages": queued,
		"counts": map[string]int64{
			"messagesAccepted":  atomic.LoadInt64(&s.accepted),
			"messagesDelivered": atomic.LoadInt64(&s.delivered),
			"messagesRefused":   atomic.LoadInt64(&s.refused),
			"streamsOpened":     atomic.LoadInt64(&s.opened),
			"heartbeatsSent":    atomic.LoadInt64(&s.heartbeats),
		},
	})
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address (port 0 picks a free port)")
	heartbeat := flag.Duration("heartbeat", 10*time.Second, "interval of heartbeats on each /receive stream")
	queue := flag.Int("queue", 1000, "capacity of each id's channel; beyond it /send answers 429")
	maxBody := flag.Int64("max-body", 1<<20, "largest /send body in bytes; larger ones get 413")
	flag.Parse()

	s := &server{heartbeat: *heartbeat, queue: *queue, maxBody: *maxBody, boxes: map[string]*mailbox{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/send", s.send)
	mux.HandleFunc("/receive", s.receive)
	mux.HandleFunc("/health", s.health)

	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "listen:", err)
		os.Exit(1)
	}
	ready, _ := json.Marshal(map[string]interface{}{"event": "ready", "url": "http://" + listener.Addr().String(),
		"heartbeat_ms": heartbeat.Milliseconds()})
	os.Stdout.Write(append(ready, '\n'))
	if err := http.Serve(listener, mux); err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
}
