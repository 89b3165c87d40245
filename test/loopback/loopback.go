// Package loopback gives tests addresses on 127.0.0.1 that nothing listens on yet, for the
// servers they start (a pilot's endpoints, a manager's probes), and links to a server that a
// test can cut, for outages.
package loopback

import (
	"net"
	"testing"
)

// FreeAddr returns host:port on 127.0.0.1 that was free a moment ago.
func FreeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}
