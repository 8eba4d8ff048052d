// go-signaling is a scriptable checker of the signaling protocol, written against the Go
// standard library only and speaking it exactly as the original pion tool's client does:
//
//   - POST {addr}/send with json.Marshal of struct{Type,Content,To,From} (tags type/content/to/from);
//   - GET {addr}/receive?id=ID, read with a json.NewDecoder(resp.Body) loop; heartbeats ignored.
//
// It opens its own /receive stream, sends -count messages to -peer, and expects -count messages
// from -peer, in order, with exact contents. Output: one JSON object per line (events "ready",
// "sent", "result"); the exit code is 0 on success, 1 on failure (the result line gives a reason).
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sync"
	"time"
)

// Message is the original tool's signaling message, field for field.
type Message struct {
	Type    string `json:"type"`
	Content string `json:"content"`
	To      string `json:"to"`
	From    string `json:"from"`
}

var outMu sync.Mutex

func emit(v map[string]interface{}) {
	b, _ := json.Marshal(v)
	outMu.Lock()
	defer outMu.Unlock()
	os.Stdout.Write(append(b, '\n'))
}

// content is the i-th payload from sender; it contains characters that need JSON escaping so
// that a server that re-encodes messages must do so faithfully.
func content(sender string, i int) string {
	return fmt.Sprintf("msg %d from %s: \"quoted\" \\ back\\slash\nnew line\ttab <html>&amp; é € 😀 \u2028", i, sender)
}

func main() {
	addr := flag.String("addr", "http://127.0.0.1:8080", "signaling server base URL")
	id := flag.String("id", "A", "own peer id")
	peer := flag.String("peer", "B", "the other peer's id")
	count := flag.Int("count", 10, "messages to send and to expect")
	msgType := flag.String("type", "candidate", "type field of the messages sent")
	minHeartbeats := flag.Int("min-heartbeats", 0, "also wait until this many heartbeats were seen")
	timeout := flag.Duration("timeout", 30*time.Second, "give up after this long")
	flag.Parse()

	start := time.Now()
	heartbeats := 0
	received := 0
	sent := 0
	fail := func(reason string) {
		emit(map[string]interface{}{"event": "result", "ok": false, "id": *id, "sent": sent, "received": received,
			"heartbeats": heartbeats, "elapsed_ms": ms(start), "reason": reason})
		os.Exit(1)
	}
	time.AfterFunc(*timeout, func() { fail(fmt.Sprintf("timeout after %s", *timeout)) })

	// Open the receive stream first so that the server knows us (as the original does).
	resp, err := http.Get(*addr + "/receive?id=" + url.QueryEscape(*id))
	if err != nil {
		fail("GET /receive: " + err.Error())
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		fail(fmt.Sprintf("GET /receive: %d %s", resp.StatusCode, bytes.TrimSpace(body)))
	}
	emit(map[string]interface{}{"event": "ready", "id": *id, "elapsed_ms": ms(start)})

	for i := 0; i < *count; i++ {
		m := Message{Type: *msgType, Content: content(*id, i), To: *peer, From: *id}
		payload, err := json.Marshal(m)
		if err != nil {
			fail("marshal: " + err.Error())
		}
		r, err := http.Post(*addr+"/send", "application/json", bytes.NewReader(payload))
		if err != nil {
			fail("POST /send: " + err.Error())
		}
		body, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if r.StatusCode != http.StatusOK {
			fail(fmt.Sprintf("POST /send #%d: %d %s", i, r.StatusCode, bytes.TrimSpace(body)))
		}
		sent++
	}
	emit(map[string]interface{}{"event": "sent", "id": *id, "sent": sent, "elapsed_ms": ms(start)})

	decoder := json.NewDecoder(resp.Body)
	for received < *count || heartbeats < *minHeartbeats {
		var m Message
		if err := decoder.Decode(&m); err != nil {
			fail("decode: " + err.Error())
		}
		if m.Type == "heartbeat" {
			heartbeats++
			continue
		}
		if received >= *count {
			fail(fmt.Sprintf("unexpected extra message %+v", m))
		}
		want := Message{Type: *msgType, Content: content(*peer, received), To: *id, From: *peer}
		if m != want {
			fail(fmt.Sprintf("message #%d: got %+v, want %+v", received, m, want))
		}
		received++
	}
	emit(map[string]interface{}{"event": "result", "ok": true, "id": *id, "sent": sent, "received": received,
		"heartbeats": heartbeats, "elapsed_ms": ms(start), "reason": ""})
}

func ms(t time.Time) float64 { return float64(time.Since(t).Microseconds()) / 1000 }
