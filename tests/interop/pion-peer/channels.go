package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// bulkGroup is bulk mode over -channels N data channels in parallel (issue 15's "8 channels"
// figure). The offerer opens <label>-0 .. <label>-(N-1) and sends -bytes/N on each (the first
// -bytes%N channels one byte more), channel i seeded with -seed+i, each with its own end and done
// markers as in one-channel bulk; the answerer expects N channels and hashes each. The result sums
// them: bytes, messages, seconds (sender: first channel's start to the last done marker; receiver:
// first to last byte over all channels), mbps; sha256s lists each channel's SHA-256 by index and
// sha256 is the SHA-256 of that list joined by "," (what the bench compares end to end).
type bulkGroup struct {
	p *peer
	n int

	mu          sync.Mutex
	start       time.Time
	first, last time.Time
	results     []map[string]interface{}
	got         int
	nextIndex   int
}

func newBulkGroup(p *peer, n int) *bulkGroup {
	return &bulkGroup{p: p, n: n, results: make([]map[string]interface{}, n)}
}

// index is the channel's index from its label's "-i" suffix (else the order channels came in).
func (g *bulkGroup) index(label string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	if k := strings.LastIndex(label, "-"); k >= 0 {
		if i, err := strconv.Atoi(label[k+1:]); err == nil && i >= 0 && i < g.n {
			return i
		}
	}
	i := g.nextIndex % g.n
	g.nextIndex++
	return i
}

func (g *bulkGroup) share(i int) int {
	s := g.p.o.bytes / g.n
	if i < g.p.o.bytes%g.n {
		s++
	}
	return s
}

// started notes when the first channel began sending.
func (g *bulkGroup) started() {
	g.mu.Lock()
	if g.start.IsZero() {
		g.start = time.Now()
	}
	g.mu.Unlock()
}

// add records one channel's result (first/last: the receiver's first and last byte) and
// finishes the peer once every channel has one.
func (g *bulkGroup) add(i int, res map[string]interface{}, first, last time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.results[i] != nil {
		g.p.finish(fail(fmt.Sprintf("channel %d finished twice", i)))
		return
	}
	res["index"] = i
	g.results[i] = res
	g.got++
	if !first.IsZero() && (g.first.IsZero() || first.Before(g.first)) {
		g.first = first
	}
	if last.After(g.last) {
		g.last = last
	}
	if g.got < g.n {
		return
	}
	ok, reason := true, ""
	bytes, messages := 0, 0
	sums := make([]string, g.n)
	for j, r := range g.results {
		if v, _ := r["ok"].(bool); !v && ok {
			ok, reason = false, fmt.Sprintf("channel %d: %v", j, r["reason"])
		}
		b, _ := r["bytes"].(int)
		m, _ := r["messages"].(int)
		bytes += b
		messages += m
		sums[j], _ = r["sha256"].(string)
	}
	all := sha256.Sum256([]byte(strings.Join(sums, ",")))
	seconds := time.Since(g.start).Seconds()
	if g.p.o.bytes == 0 {
		seconds = g.last.Sub(g.first).Seconds()
	}
	out := map[string]interface{}{"ok": ok, "channels": g.n, "bytes": bytes, "messages": messages, "msg_size": g.p.o.msgSize,
		"sha256": hex.EncodeToString(all[:]), "sha256s": sums, "seconds": seconds, "per_channel": g.results}
	if seconds > 0 {
		out["mbps"] = float64(bytes) * 8 / seconds / 1e6
	}
	if !ok {
		out["reason"] = reason
	}
	g.p.finish(out)
}
