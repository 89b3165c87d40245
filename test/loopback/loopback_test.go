package loopback

import (
	"net"
	"strconv"
	"testing"
)

// TestFreeAddrIsBelowTheEphemeralRange: the ports handed out are below the range the kernel
// takes every connection's and every port-0 listener's port from, free, and never the same
// twice in a process.
func TestFreeAddrIsBelowTheEphemeralRange(t *testing.T) {
	low := ephemeralLow()
	seen := map[string]bool{}
	for range 200 {
		addr := FreeAddr(t)
		host, port, err := net.SplitHostPort(addr)
		if err != nil || host != "127.0.0.1" {
			t.Fatalf("FreeAddr %q", addr)
		}
		p, _ := strconv.Atoi(port)
		if p < freeBase || p >= low {
			t.Fatalf("port %d outside [%d, %d)", p, freeBase, low)
		}
		if seen[port] {
			t.Fatalf("port %d handed out twice", p)
		}
		seen[port] = true
		l, err := net.Listen("tcp", addr)
		if err != nil {
			t.Fatalf("the free port %s cannot be bound: %v", addr, err)
		}
		_ = l.Close()
	}
}
