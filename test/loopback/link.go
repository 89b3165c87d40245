package loopback

import (
	"errors"
	"io"
	"net"
	"sync"
	"testing"
)

// Link relays TCP connections from its own address on 127.0.0.1 to a target. Cutting it gives a
// client an outage of a server that itself keeps running (other clients still reach it
// directly), which is what a node sees when the network between it and the API server fails.
type Link struct {
	// Addr is where clients connect, host:port.
	Addr   string
	target string
	l      net.Listener

	mu    sync.Mutex
	cut   bool
	conns map[net.Conn]struct{}
}

// NewLink starts relaying to target until the test ends.
func NewLink(t *testing.T, target string) *Link {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	k := &Link{Addr: l.Addr().String(), target: target, l: l, conns: map[net.Conn]struct{}{}}
	go k.serve()
	t.Cleanup(func() {
		_ = l.Close()
		k.Cut()
	})
	return k
}

// Cut closes every relayed connection and, until Mend, closes new ones as soon as they are
// accepted. The listener stays open so that no other process can take the port meanwhile.
func (k *Link) Cut() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.cut = true
	for c := range k.conns {
		_ = c.Close()
	}
	clear(k.conns)
}

// Mend relays new connections again.
func (k *Link) Mend() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.cut = false
}

func (k *Link) serve() {
	for {
		in, err := k.l.Accept()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			continue
		}
		go k.relay(in)
	}
}

func (k *Link) relay(in net.Conn) {
	out, err := net.Dial("tcp", k.target)
	if err != nil {
		_ = in.Close()
		return
	}
	if !k.track(in, out) {
		_ = in.Close()
		_ = out.Close()
		return
	}
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		done <- struct{}{}
	}
	go pipe(out, in)
	go pipe(in, out)
	<-done
	// One direction ended: end both, so that neither end waits on a half-open connection.
	_ = in.Close()
	_ = out.Close()
	<-done
	k.mu.Lock()
	delete(k.conns, in)
	delete(k.conns, out)
	k.mu.Unlock()
}

// track records a relayed pair, unless the link is cut.
func (k *Link) track(conns ...net.Conn) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.cut {
		return false
	}
	for _, c := range conns {
		k.conns[c] = struct{}{}
	}
	return true
}
