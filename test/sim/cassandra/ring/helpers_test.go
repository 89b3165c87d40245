package ring

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// world is a cluster, its clock, and the test driving it.
type world struct {
	*Cluster
	now time.Time
	t   *testing.T
	// release is the release new nodes run.
	release string
}

// newWorld returns an empty cluster streaming at 1 MiB/s, so that seconds count mebibytes.
func newWorld(t *testing.T, seed uint64) *world {
	t.Helper()
	s := DefaultSettings()
	s.StreamBytesPerSecond = 1 << 20
	return &world{Cluster: New("Test Cluster", seed, s), now: t0, t: t, release: "4.1.5"}
}

func addr(i int) string { return fmt.Sprintf("10.0.0.%d", i) }

func (w *world) spec(i int, dc, rack string) NodeSpec {
	return NodeSpec{Address: addr(i), DC: dc, Rack: rack, NumTokens: 16, Release: w.release, HeapUsedMB: 512, HeapMaxMB: 2048}
}

// start brings up a ring of n nodes in one datacenter, spread over racks, that join without
// bootstrapping, as the first nodes of a new cluster do.
func (w *world) start(n, racks int) []*Node {
	w.t.Helper()
	var out []*Node
	for i := range n {
		node, err := w.Join(w.now, w.spec(i+1, "dc1", fmt.Sprintf("rack%d", i%racks+1)), JoinOptions{})
		if err != nil {
			w.t.Fatal(err)
		}
		out = append(out, node)
	}
	return out
}

// keyspace creates a keyspace with one table, through the first node.
func (w *world) keyspace(name string, r Replication, coordinator string) {
	w.t.Helper()
	if err := w.CreateKeyspace(w.now, coordinator, name, r); err != nil {
		w.t.Fatal(err)
	}
	if err := w.CreateTable(w.now, coordinator, name, "rows"); err != nil {
		w.t.Fatal(err)
	}
}

func key(i int) []byte { return TextKey(fmt.Sprintf("key-%05d", i)) }

// fill writes n rows of size bytes each at a consistency level.
func (w *world) fill(coordinator, ks string, n, size int, cl Consistency) {
	w.t.Helper()
	value := string(make([]byte, size))
	for i := range n {
		if err := w.Write(w.now, coordinator, ks, "rows", key(i), value, cl); err != nil {
			w.t.Fatalf("write %d: %v", i, err)
		}
	}
}

// readAll reads back the rows fill wrote, each of which must be there.
func (w *world) readAll(coordinator, ks string, n int, cl Consistency) {
	w.t.Helper()
	for i := range n {
		if _, found, err := w.Read(w.now, coordinator, ks, "rows", key(i), cl); err != nil || !found {
			w.t.Fatalf("read %d at %s: found %v, %v", i, cl, found, err)
		}
	}
}

// step advances the clock by d.
func (w *world) step(d time.Duration) {
	w.now = w.now.Add(d)
	w.Advance(w.now)
}

// settle advances a second at a time until no topology change is in progress, and returns how
// long it took.
func (w *world) settle(limit time.Duration) time.Duration {
	w.t.Helper()
	start := w.now
	w.Advance(w.now)
	for len(w.ops) > 0 {
		if w.now.Sub(start) > limit {
			w.t.Fatalf("still %d operations in progress after %s", len(w.ops), limit)
		}
		w.step(time.Second)
	}
	return w.now.Sub(start)
}

// unavailable checks err is an UnavailableError with the given fields.
func unavailable(t *testing.T, err error, cl Consistency, required, alive int) {
	t.Helper()
	var u *UnavailableError
	if !errors.As(err, &u) {
		t.Fatalf("error %v, want Unavailable(%s, %d required, %d alive)", err, cl, required, alive)
	}
	if *u != (UnavailableError{Consistency: cl, Required: required, Alive: alive}) {
		t.Fatalf("Unavailable %+v, want %s %d required %d alive", *u, cl, required, alive)
	}
}

func addresses(nodes []*Node) []string {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		out[i] = n.Address
	}
	return out
}
