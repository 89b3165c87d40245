package ring

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// TestConsistencyLevelAvailability is the table of what each level can serve with RF 3 in each of
// two datacenters, for a coordinator in dc1, as replicas go down: required and alive are the
// numbers Cassandra's UnavailableException carries.
func TestConsistencyLevelAvailability(t *testing.T) {
	type outcome struct{ required, alive int } // alive < required: Unavailable
	cases := []struct {
		downDC1, downDC2 int
		want             map[Consistency]outcome
	}{
		{0, 0, map[Consistency]outcome{One: {1, 6}, Quorum: {4, 6}, LocalQuorum: {2, 3}, All: {6, 6}}},
		{1, 0, map[Consistency]outcome{One: {1, 5}, Quorum: {4, 5}, LocalQuorum: {2, 2}, All: {6, 5}}},
		{2, 0, map[Consistency]outcome{One: {1, 4}, Quorum: {4, 4}, LocalQuorum: {2, 1}, All: {6, 4}}},
		{0, 3, map[Consistency]outcome{One: {1, 3}, Quorum: {4, 3}, LocalQuorum: {2, 3}, All: {6, 3}}},
		{1, 2, map[Consistency]outcome{One: {1, 3}, Quorum: {4, 3}, LocalQuorum: {2, 2}, All: {6, 3}}},
		{3, 3, map[Consistency]outcome{One: {1, 0}, Quorum: {4, 0}, LocalQuorum: {2, 0}, All: {6, 0}}},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("down dc1=%d dc2=%d", tc.downDC1, tc.downDC2), func(t *testing.T) {
			w := newWorld(t, 47)
			var dc1, dc2 []*Node
			for i := range 3 {
				a, _ := w.Join(w.now, w.spec(i+1, "dc1", fmt.Sprintf("r%d", i)), JoinOptions{})
				b, _ := w.Join(w.now, w.spec(i+11, "dc2", fmt.Sprintf("r%d", i)), JoinOptions{})
				dc1, dc2 = append(dc1, a), append(dc2, b)
			}
			// A separate coordinator in dc1, so that stopping replicas never stops it.
			coord, _ := w.Join(w.now, w.spec(9, "dc1", "r0"), JoinOptions{})
			w.keyspace("app", NTS("dc1", 3, "dc2", 3), coord.HostID)
			// Pick a key whose dc1 replicas are the three dc1 nodes, not the coordinator.
			k := []byte(nil)
			for i := 0; k == nil; i++ {
				reps, _ := w.Replicas("app", key(i))
				if !containsNode(reps, coord) {
					k = key(i)
				}
			}
			for _, n := range append(append([]*Node{}, dc1[:tc.downDC1]...), dc2[:tc.downDC2]...) {
				_ = w.Stop(w.now, n.HostID)
			}
			// Which nodes of each DC are down does not matter with as many replicas as nodes.
			for cl, o := range tc.want {
				err := w.Write(w.now, coord.HostID, "app", "rows", k, "v", cl)
				_, _, rerr := w.Read(w.now, coord.HostID, "app", "rows", k, cl)
				if o.alive < o.required {
					unavailable(t, err, cl, o.required, o.alive)
					unavailable(t, rerr, cl, o.required, o.alive)
				} else if err != nil || rerr != nil {
					t.Errorf("%s: write %v, read %v; want both served", cl, err, rerr)
				}
			}
		})
	}
}

func containsNode(nodes []*Node, n *Node) bool {
	for _, o := range nodes {
		if o == n {
			return true
		}
	}
	return false
}

// TestWritesCountPendingReplicas: while a node joins, a write must also reach it, so it requires
// one replica more (ConsistencyLevel.blockForWrite).
func TestWritesCountPendingReplicas(t *testing.T) {
	w := newWorld(t, 53)
	nodes := w.start(3, 3)
	w.keyspace("app", NTS("dc1", 3), nodes[0].HostID)
	w.fill(nodes[0].HostID, "app", 400, 4<<10, All)
	n, err := w.Join(w.now, w.spec(4, "dc1", "rack1"), JoinOptions{Bootstrap: true})
	if err != nil {
		t.Fatal(err)
	}
	var pendingKey []byte
	for i := 0; pendingKey == nil; i++ {
		if containsNode(w.futureRing(w.ops[0]).replicas(w.keyspaces["app"], TokenFor(key(i))), n) {
			pendingKey = key(i)
		}
	}
	if err := w.Stop(w.now, nodes[1].HostID); err != nil {
		t.Fatal(err)
	}
	if err := w.Stop(w.now, n.HostID); err != nil {
		t.Fatal(err)
	}
	// Natural replicas: two of three alive; pending: the joining node, down. QUORUM needs 2 + 1.
	err = w.Write(w.now, nodes[0].HostID, "app", "rows", pendingKey, "v", Quorum)
	unavailable(t, err, Quorum, 3, 2)
	// Reads do not go to pending replicas.
	if _, _, err := w.Read(w.now, nodes[0].HostID, "app", "rows", pendingKey, Quorum); err != nil {
		t.Errorf("a QUORUM read with two natural replicas up: %v", err)
	}
}

// TestReadsReturnTheNewestValueAndRepair: a replica that missed a write answers with its old
// value; a QUORUM read returns the newest and writes it back to the replicas it read; a read at
// ONE served by the stale replica returns the stale value.
func TestReadsReturnTheNewestValueAndRepair(t *testing.T) {
	w := newWorld(t, 59)
	nodes := w.start(3, 3)
	w.keyspace("app", NTS("dc1", 3), nodes[0].HostID)
	k := key(1)
	if err := w.Write(w.now, nodes[0].HostID, "app", "rows", k, "old", All); err != nil {
		t.Fatal(err)
	}
	reps, _ := w.Replicas("app", k)
	stale := reps[0] // the first replica in placement order: reads at ONE try it first
	if err := w.Stop(w.now, stale.HostID); err != nil {
		t.Fatal(err)
	}
	w.now = w.now.Add(time.Second)
	other := reps[1]
	if err := w.Write(w.now, other.HostID, "app", "rows", k, "new", Quorum); err != nil {
		t.Fatal(err)
	}
	if err := w.Start(w.now, stale.HostID); err != nil {
		t.Fatal(err)
	}
	if cell, _, err := w.Read(w.now, other.HostID, "app", "rows", k, One); err != nil || cell.Value != "old" {
		t.Fatalf("ONE through the replicas in order reads the stale one: %q, %v", cell.Value, err)
	}
	cell, found, err := w.Read(w.now, other.HostID, "app", "rows", k, Quorum)
	if err != nil || !found || cell.Value != "new" {
		t.Fatalf("QUORUM: %q %v %v, want the newest value", cell.Value, found, err)
	}
	if attempted, blocking, _ := other.ReadRepair(); attempted == 0 || blocking != 1 {
		t.Errorf("read repair counters: attempted %d, blocking %d", attempted, blocking)
	}
	if got := stale.data["app.rows"][string(k)].Value; got != "new" {
		t.Errorf("the stale replica holds %q after read repair, want new", got)
	}
	if cell, _, _ := w.Read(w.now, other.HostID, "app", "rows", k, One); cell.Value != "new" {
		t.Errorf("ONE after the repair: %q", cell.Value)
	}
}

// TestRequestsNeedALiveCoordinatorThatKnowsTheTable covers the coordinator's own checks.
func TestRequestsNeedALiveCoordinatorThatKnowsTheTable(t *testing.T) {
	w := newWorld(t, 61)
	nodes := w.start(3, 3)
	w.keyspace("app", NTS("dc1", 3), nodes[0].HostID)
	var ir *InvalidRequestError
	if err := w.Write(w.now, nodes[0].HostID, "nope", "rows", key(0), "v", One); !errors.As(err, &ir) || ir.Message != "keyspace nope does not exist" {
		t.Errorf("unknown keyspace: %v", err)
	}
	if err := w.Write(w.now, nodes[0].HostID, "app", "other", key(0), "v", One); !errors.As(err, &ir) || ir.Message != "unconfigured table other" {
		t.Errorf("unknown table: %v", err)
	}
	_ = w.Stop(w.now, nodes[1].HostID)
	if err := w.Write(w.now, nodes[1].HostID, "app", "rows", key(0), "v", One); err == nil {
		t.Error("a stopped node coordinated a write")
	}
}
