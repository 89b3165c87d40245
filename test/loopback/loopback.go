// Package loopback gives tests addresses on 127.0.0.1 that nothing listens on yet, for the
// servers they start (a pilot's endpoints, a manager's probes), and links to a server that a
// test can cut, for outages.
package loopback

import (
	"net"
	"strconv"
	"syscall"
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

// RefusingAddr returns host:port on 127.0.0.1 where every connection is refused until the test
// ends. A port that was merely free a moment ago (FreeAddr) can be taken by a parallel test's
// server, and then a client sees a reset or an answer instead of the refusal the test meant; a
// socket bound but never listening holds the port and refuses.
func RefusingAddr(t *testing.T) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(sa.(*syscall.SockaddrInet4).Port))
}
