package nodetool

import (
	"fmt"
	"testing"
	"time"

	"github.com/navigator-dbaas/navigator/test/sim/cassandra/ring"
)

var t0 = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// sim is a ring the round-trip tests drive, with its clock.
type sim struct {
	*ring.Cluster
	t   *testing.T
	now time.Time
}

func newSim(t *testing.T, seed uint64) *sim {
	s := ring.DefaultSettings()
	s.StreamBytesPerSecond = 1 << 20
	return &sim{Cluster: ring.New("Navigator Test", seed, s), t: t, now: t0}
}

func spec(i int, dc, rack, release string) ring.NodeSpec {
	return ring.NodeSpec{Address: fmt.Sprintf("10.0.%d.%d", i/100, i%100+1), DC: dc, Rack: rack, NumTokens: 16,
		Release: release, HeapUsedMB: 1203.44, HeapMaxMB: 8192}
}

// join adds a node that takes its tokens at once, as the first nodes of a cluster do.
func (s *sim) join(sp ring.NodeSpec) *ring.Node {
	s.t.Helper()
	n, err := s.Join(s.now, sp, ring.JoinOptions{})
	if err != nil {
		s.t.Fatal(err)
	}
	return n
}

// keyspace creates a keyspace with a table "rows" and writes rows of 1 KiB into it.
func (s *sim) keyspace(coordinator *ring.Node, name string, r ring.Replication, rows int) {
	s.t.Helper()
	if err := s.CreateKeyspace(s.now, coordinator.HostID, name, r); err != nil {
		s.t.Fatal(err)
	}
	if err := s.CreateTable(s.now, coordinator.HostID, name, "rows"); err != nil {
		s.t.Fatal(err)
	}
	value := string(make([]byte, 1024))
	for i := range rows {
		if err := s.Write(s.now, coordinator.HostID, name, "rows", ring.TextKey(fmt.Sprintf("%s-%d", name, i)), value, ring.All); err != nil {
			s.t.Fatal(err)
		}
	}
}

func (s *sim) step(d time.Duration) {
	s.now = s.now.Add(d)
	s.Advance(s.now)
}

// stdout returns a checker of a command's result, which returns its output and fails the test
// on a simulator error or a failed run: stdout(t)(Status(...)).
func stdout(t *testing.T) func(Result, error) string {
	return func(r Result, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		if r.ExitCode != 0 || r.Stderr != "" {
			t.Fatalf("exit %d, stderr %q", r.ExitCode, r.Stderr)
		}
		return r.Stdout
	}
}

// closeTo reports whether a size read back from nodetool's rounded form matches the bytes: the
// printed value has two decimals of its unit.
func closeTo(printed, actual int64) bool {
	unit := int64(1)
	for unit*1024 <= actual {
		unit *= 1024
	}
	diff := printed - actual
	if diff < 0 {
		diff = -diff
	}
	return float64(diff) <= 0.005*float64(unit)+0.5
}
