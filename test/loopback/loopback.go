// Package loopback gives tests addresses on 127.0.0.1 that nothing listens on yet, for the
// servers they start (a pilot's endpoints, a manager's probes), and links to a server that a
// test can cut, for outages.
package loopback

import (
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// FreeAddr returns host:port on 127.0.0.1 that was free a moment ago, for a server another
// process will bind. The port is below the kernel's ephemeral range
// (net.ipv4.ip_local_port_range): every outgoing connection and every listen on port 0, in any
// test running meanwhile, takes its port from that range, so a port chosen there and freed for
// the server could be taken before the server binds it (seen: testdb refused "address already in
// use", and the pilot's observations reached another test's server). Below the range only
// another FreeAddr can choose it; ports this process handed out are not handed out again, and a
// port in use is skipped.
func FreeAddr(t *testing.T) string {
	t.Helper()
	low := ephemeralLow()
	for range 1000 {
		port := freeBase + rand.IntN(low-freeBase)
		handedMu.Lock()
		taken := handed[port]
		handed[port] = true
		handedMu.Unlock()
		if taken {
			continue
		}
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			continue // in use
		}
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		return l.Addr().String()
	}
	t.Fatalf("no free port between %d and %d", freeBase, low)
	return ""
}

// freeBase is the lowest port FreeAddr hands out: above the ports of the local cluster's
// daemons (the kubelet's 10250, the control plane's 10257 and 10259).
const freeBase = 20000

var (
	handedMu sync.Mutex
	handed   = map[int]bool{}
)

// ephemeralLow is the first port of the kernel's ephemeral range, 32768 when it cannot be read.
func ephemeralLow() int {
	raw, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 32768
	}
	fields := strings.Fields(string(raw))
	if len(fields) != 2 {
		return 32768
	}
	low, err := strconv.Atoi(fields[0])
	if err != nil || low <= freeBase+1000 {
		return 32768
	}
	return low
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
