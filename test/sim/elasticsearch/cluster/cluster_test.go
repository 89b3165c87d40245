package cluster

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/Masterminds/semver/v3"
)

var t0 = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// world is a cluster and its clock.
type world struct {
	*State
	now time.Time
}

func newWorld(t *testing.T, nodes int, version string) *world {
	t.Helper()
	w := &world{State: New(), now: t0}
	w.Settings.RecoveryBytesPerSecond = 1 << 20 // 1 MiB/s
	w.Settings.DocBytes = 1 << 10               // 1 KiB a document
	for i := range nodes {
		w.NodeJoined(node(i, version))
	}
	return w
}

func node(i int, version string) *Node {
	return &Node{ID: fmt.Sprintf("id-%d", i), Name: fmt.Sprintf("es-data-%d", i), Data: true, Version: semver.MustParse(version)}
}

// settle advances time in steps until the cluster stops changing (or the limit passes).
func (w *world) settle(t *testing.T, limit time.Duration) {
	t.Helper()
	end := w.now.Add(limit)
	for ; !w.now.After(end); w.now = w.now.Add(time.Second) {
		w.Reroute(w.now)
		if h, n := w.Health(w.now); h == Green && n.Relocating == 0 && n.Initializing == 0 {
			return
		}
	}
}

// index creates an index and writes docs documents to each of its shards.
func (w *world) index(t *testing.T, name string, shards, replicas int, docs int64) {
	t.Helper()
	if err := w.CreateIndex(name, shards, replicas); err != nil {
		t.Fatal(err)
	}
	w.Reroute(w.now)
	for sh := range shards {
		if err := w.AddDocs(name, sh, docs); err != nil {
			t.Fatal(err)
		}
	}
	w.settle(t, time.Hour)
}

func (w *world) assertNoSharedNode(t *testing.T) {
	t.Helper()
	seen := map[string]bool{}
	for _, c := range w.Copies {
		for _, n := range []string{c.Node, c.RelocatingTo} {
			if n == "" {
				continue
			}
			key := fmt.Sprintf("%s/%d@%s", c.Index, c.Shard, n)
			if seen[key] {
				t.Fatalf("two copies of shard %s/%d on node %s", c.Index, c.Shard, n)
			}
			seen[key] = true
		}
	}
}

func TestSafeRemovalKeepsEveryDocument(t *testing.T) {
	w := newWorld(t, 3, "8.15.3")
	w.index(t, "logs", 3, 1, 2000)
	const total = 3 * 2000

	w.PutShutdown(Shutdown{NodeID: "id-2", Type: ShutdownRemove, Started: w.now})
	st, _ := w.Shutdown("id-2")
	if st.Status != "IN_PROGRESS" || st.Remaining == 0 {
		t.Fatalf("just after PUT shutdown: %+v", st)
	}
	w.settle(t, time.Hour)
	if st, _ = w.Shutdown("id-2"); st.Status != "COMPLETE" {
		t.Fatalf("shutdown never completed: %+v", st)
	}
	w.NodeLeft("id-2", w.now, false)
	w.Reroute(w.now)
	if h, _ := w.Health(w.now); h != Green {
		t.Errorf("health after the drained node left: %s, want green", h)
	}
	if got := w.Docs("logs"); got != total {
		t.Errorf("documents after safe removal: %d, want %d", got, total)
	}
	w.assertNoSharedNode(t)
}

func TestUnsafeRemovalLosesDocumentsAndTurnsRed(t *testing.T) {
	w := newWorld(t, 3, "8.15.3")
	w.index(t, "logs", 3, 0, 1000) // no replicas: each shard lives on one node
	w.NodeLeft("id-1", w.now, false)
	w.settle(t, 10*time.Minute)
	if h, _ := w.Health(w.now); h != Red {
		t.Errorf("health after a node left with the only copy: %s, want red", h)
	}
	if got := w.Docs("logs"); got != 2000 {
		t.Errorf("documents readable: %d, want 2000 (one shard of 1000 lost)", got)
	}
	lost := 0
	for _, l := range w.Indices["logs"].Lost {
		if l {
			lost++
		}
	}
	if lost != 1 {
		t.Errorf("%d shards marked lost, want 1", lost)
	}
}

func TestRollingRestartStaysYellowOrBetter(t *testing.T) {
	w := newWorld(t, 3, "8.15.3")
	w.index(t, "logs", 3, 1, 500)
	for i := range 3 {
		id := fmt.Sprintf("id-%d", i)
		w.PutShutdown(Shutdown{NodeID: id, Type: ShutdownRestart, Started: w.now, AllocationDelay: 5 * time.Minute})
		if st, _ := w.Shutdown(id); st.Status != "COMPLETE" {
			t.Fatalf("a restart needs no migration, got %+v", st)
		}
		w.NodeLeft(id, w.now, true)
		for range 30 { // 30 s down: inside the allocation delay
			w.now = w.now.Add(time.Second)
			w.Reroute(w.now)
			h, n := w.Health(w.now)
			if h == Red {
				t.Fatalf("red while %s restarted", id)
			}
			if n.Relocating+n.Initializing > 0 {
				t.Fatalf("replicas of %s were rebuilt elsewhere during its allocation delay", id)
			}
		}
		w.NodeJoined(node(i, "8.15.3"))
		w.DeleteShutdown(id)
		w.settle(t, time.Hour)
		if h, _ := w.Health(w.now); h != Green {
			t.Fatalf("not green after %s came back: %s", id, h)
		}
	}
	if got := w.Docs("logs"); got != 1500 {
		t.Errorf("documents after the rolling restart: %d, want 1500", got)
	}
}

// TestRemovalStallsWhenShardsHaveNowhereToGo follows TransportGetShutdownStatusAction: a copy
// that can go nowhere stalls the removal only when no node that stays holds a started copy of
// its shard (hasShardCopyOnAnotherNode); otherwise the removal is COMPLETE with the copy still
// on the node, and removing the node loses nothing.
func TestRemovalStallsWhenShardsHaveNowhereToGo(t *testing.T) {
	w := newWorld(t, 2, "8.15.3")
	w.index(t, "logs", 1, 1, 10)
	w.PutShutdown(Shutdown{NodeID: "id-0", Type: ShutdownRemove, Started: w.now})
	w.settle(t, time.Minute)
	st, _ := w.Shutdown("id-0")
	if st.Status != "COMPLETE" || st.Explanation != "[1] shards cannot be moved away from this node but have at least one copy on another node in the cluster" {
		t.Errorf("removing one of two nodes holding both copies: %+v, want COMPLETE: the other copy stays", st)
	}

	// Both nodes leave: neither keeps a copy that another node would hold.
	w.PutShutdown(Shutdown{NodeID: "id-1", Type: ShutdownRemove, Started: w.now})
	w.settle(t, time.Minute)
	for _, id := range []string{"id-0", "id-1"} {
		st, _ := w.Shutdown(id)
		if st.Status != "STALLED" || !strings.Contains(st.Explanation, "of index [logs] cannot move, see [node_allocation_decision] for details") {
			t.Errorf("removing %s of two leaving nodes: %+v, want STALLED with Elasticsearch's explanation", id, st)
		}
	}

	// An index without replicas on a single node: its primary can go nowhere.
	one := newWorld(t, 1, "8.15.3")
	one.index(t, "solo", 1, 0, 10)
	one.PutShutdown(Shutdown{NodeID: "id-0", Type: ShutdownRemove, Started: one.now})
	one.settle(t, time.Minute)
	if st, _ := one.Shutdown("id-0"); st.Status != "STALLED" || !strings.Contains(st.Explanation, "shard [0] [primary] of index [solo] cannot move") {
		t.Errorf("removing the only node: %+v, want STALLED", st)
	}
}

// TestRestartDelayIsTheLongerOne follows UnassignedInfo.remainingDelay: a replica whose node left
// with a restart shutdown registered waits the longer of allocation_delay and
// index.unassigned.node_left.delayed_timeout; registered only after the node left, the
// shutdown does not count, and the index's delay applies.
func TestRestartDelayIsTheLongerOne(t *testing.T) {
	for _, tc := range []struct {
		name          string
		registerFirst bool
		delay, wait   time.Duration
	}{
		{"allocation_delay shorter than the index's", true, 30 * time.Second, 2 * time.Minute},
		{"allocation_delay longer than the index's", true, 3 * time.Minute, 3 * time.Minute},
		{"registered after the node left", false, 10 * time.Minute, 2 * time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, 3, "8.15.3")
			w.Settings.DelayedTimeout = 2 * time.Minute
			w.index(t, "logs", 1, 1, 10)
			var holder string
			for _, c := range w.Copies {
				if !c.Primary {
					holder = c.Node
				}
			}
			sd := Shutdown{NodeID: holder, Type: ShutdownRestart, Started: w.now, AllocationDelay: tc.delay}
			if tc.registerFirst {
				w.PutShutdown(sd)
			}
			w.NodeLeft(holder, w.now, true)
			if !tc.registerFirst {
				w.PutShutdown(sd)
			}
			left := w.now
			rebuilt := func() bool {
				w.Reroute(w.now)
				_, n := w.Health(w.now)
				return n.DelayedUnassigned == 0
			}
			for w.now = left; w.now.Sub(left) < tc.wait-time.Second; w.now = w.now.Add(time.Second) {
				if rebuilt() {
					t.Fatalf("the replica was rebuilt %s after its node left, want %s", w.now.Sub(left), tc.wait)
				}
			}
			w.now = left.Add(tc.wait)
			if !rebuilt() {
				t.Fatalf("the replica still waits %s after its node left", tc.wait)
			}
		})
	}
}

// TestAllocationEnableGovernsMoves follows EnableAllocationDecider: the setting applies to a copy
// moving off a node being removed as to any allocation; none holds every copy where it is (the
// removal STALLED), primaries lets primaries go and holds replicas.
func TestAllocationEnableGovernsMoves(t *testing.T) {
	w := newWorld(t, 3, "8.15.3")
	w.index(t, "logs", 6, 0, 10)
	w.Settings.Enable = EnableNone
	w.PutShutdown(Shutdown{NodeID: "id-0", Type: ShutdownRemove, Started: w.now})
	w.settle(t, time.Minute)
	st, _ := w.Shutdown("id-0")
	if st.Status != "STALLED" {
		t.Fatalf("a removal with allocation disabled: %+v, want STALLED", st)
	}
	w.Settings.Enable = EnablePrimaries
	w.settle(t, time.Hour)
	if st, _ := w.Shutdown("id-0"); st.Status != "COMPLETE" {
		t.Errorf("primaries may move with enable=primaries: %+v", st)
	}
	if ok, why := w.canAllocate(&Copy{Index: "other", Shard: 0, State: Started}, w.Nodes["id-1"]); ok || !strings.Contains(why, "replica allocations are forbidden due to cluster setting [cluster.routing.allocation.enable=primaries]") {
		t.Errorf("a replica move with enable=primaries: %v %q", ok, why)
	}
	if got := w.Docs("logs"); got != 60 {
		t.Errorf("documents after the drain: %d, want 60", got)
	}
}

// TestVersionRulesForPrimaries follows NodeVersionAllocationDecider and
// RoutingNodes.activeReplicaWithHighestVersion: a primary never moves to an older node, and a
// shard that lost its primary promotes the replica on the newest node.
func TestVersionRulesForPrimaries(t *testing.T) {
	w := newWorld(t, 1, "8.16.0")
	w.index(t, "logs", 1, 0, 10)
	w.NodeJoined(node(1, "8.15.3"))
	w.PutShutdown(Shutdown{NodeID: "id-0", Type: ShutdownRemove, Started: w.now})
	w.settle(t, time.Minute)
	if st, _ := w.Shutdown("id-0"); st.Status != "STALLED" {
		t.Errorf("removing the newer node of the primary: %+v, want STALLED", st)
	}
	if ok, why := w.canAllocate(w.primaryOf("logs", 0), w.Nodes["id-1"]); ok || why != "[node_version] cannot relocate primary shard from a node with version [8.16.0] to a node with older version [8.15.3]" {
		t.Errorf("moving the primary to the older node: %v %q", ok, why)
	}

	p := newWorld(t, 3, "8.15.3")
	p.index(t, "logs", 1, 2, 10)
	primary := p.primaryOf("logs", 0).Node
	var newest string
	for _, c := range p.copiesOf("logs", 0) {
		if !c.Primary {
			newest = c.Node // the last replica's node runs the newer version from now on
		}
	}
	p.Nodes[newest].Version = semver.MustParse("8.16.0")
	p.NodeLeft(primary, p.now, true)
	p.Reroute(p.now)
	if got := p.primaryOf("logs", 0); got == nil || got.Node != newest || got.State != Started {
		t.Errorf("the promoted primary: %+v, want the replica on %s, the newest node", got, newest)
	}
}

// TestShutdownOfANodeThatLeft follows TransportGetShutdownStatusAction for a node that is not a
// member: NOT_STARTED only for one never seen; for one that left, STALLED while a copy it left
// behind is unassigned and is a primary or has no started copy elsewhere, COMPLETE otherwise.
func TestShutdownOfANodeThatLeft(t *testing.T) {
	w := newWorld(t, 2, "8.15.3")
	w.index(t, "logs", 1, 1, 10)
	w.PutShutdown(Shutdown{NodeID: "id-7", Type: ShutdownRemove, Started: w.now})
	if st, _ := w.Shutdown("id-7"); st.Status != "NOT_STARTED" || st.Explanation != "node is not currently part of the cluster" {
		t.Errorf("a node never seen: %+v", st)
	}
	w.PutShutdown(Shutdown{NodeID: "id-0", Type: ShutdownRemove, Started: w.now})
	w.NodeLeft("id-0", w.now, false)
	w.settle(t, time.Minute)
	if st, _ := w.Shutdown("id-0"); st.Status != "COMPLETE" {
		t.Errorf("a node that left a replica whose primary stays: %+v, want COMPLETE", st)
	}

	one := newWorld(t, 2, "8.15.3")
	one.index(t, "solo", 2, 0, 10) // one primary on each node, no replica
	one.PutShutdown(Shutdown{NodeID: "id-1", Type: ShutdownRemove, Started: one.now})
	one.NodeLeft("id-1", one.now, false)
	one.settle(t, time.Minute)
	if st, _ := one.Shutdown("id-1"); st.Status != "STALLED" || st.Remaining != 1 || !strings.Contains(st.Explanation, "of index [solo] is unassigned, see [node_allocation_decision]") {
		t.Errorf("a node that left the only copy of a shard behind: %+v, want STALLED", st)
	}
}

// TestABusyDrainIsNotAStall: a node with more copies than the other nodes may receive at once
// drains in turns; its shutdown stays IN_PROGRESS throughout, never STALLED, until it is
// COMPLETE: while copies relocate the status is IN_PROGRESS whatever the others' move
// decisions (TransportGetShutdownStatusAction), and a copy waiting for a recovery slot
// (THROTTLED) is never a stall.
func TestABusyDrainIsNotAStall(t *testing.T) {
	w := newWorld(t, 3, "8.15.3")
	w.index(t, "logs", 30, 0, 200) // ten copies on each node, 200 KiB each at 1 MiB/s
	var seen []string
	w.PutShutdown(Shutdown{NodeID: "id-0", Type: ShutdownRemove, Started: w.now})
	for end := w.now.Add(10 * time.Minute); w.now.Before(end); w.now = w.now.Add(200 * time.Millisecond) {
		w.Reroute(w.now)
		st, _ := w.Shutdown("id-0")
		if !slices.Contains(seen, st.Status) {
			seen = append(seen, st.Status)
		}
		if st.Status == "STALLED" {
			t.Fatalf("a busy drain reported %+v", st)
		}
		if st.Status == "COMPLETE" {
			break
		}
	}
	if !slices.Equal(seen, []string{"IN_PROGRESS", "COMPLETE"}) {
		t.Errorf("statuses during the drain: %v, want IN_PROGRESS then COMPLETE", seen)
	}
	if got := w.Docs("logs"); got != 30*200 {
		t.Errorf("documents after the drain: %d, want %d", got, 30*200)
	}
}

func TestRecoveryTakesTimeInProportionToData(t *testing.T) {
	w := newWorld(t, 1, "8.15.3")
	w.index(t, "logs", 1, 1, 10240) // 10 MiB at 1 MiB/s: the replica cannot start with one node
	w.NodeJoined(node(1, "8.15.3"))
	start := w.now
	w.settle(t, time.Hour)
	took := w.now.Sub(start)
	if took < 9*time.Second || took > 12*time.Second {
		t.Errorf("a 10 MiB replica recovered in %s at 1 MiB/s, want about 10s", took)
	}
}

func TestReplicaNeverOnAnOlderNode(t *testing.T) {
	w := newWorld(t, 1, "8.16.0")
	w.index(t, "logs", 1, 1, 10)
	w.NodeJoined(node(1, "8.15.3")) // older than the primary's node
	w.settle(t, time.Minute)
	if h, _ := w.Health(w.now); h != Yellow {
		t.Errorf("health with only an older node for the replica: %s, want yellow", h)
	}
	w.NodeJoined(node(2, "8.16.0"))
	w.settle(t, time.Minute)
	if h, _ := w.Health(w.now); h != Green {
		t.Errorf("health once a same-version node joined: %s, want green", h)
	}
}

// TestRandomChurnNeverSharesANodeOrLosesReplicatedData: nodes leave and return at random, one
// at a time, with their data; with a replica per shard nothing may be lost.
func TestRandomChurnNeverSharesANodeOrLosesReplicatedData(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	w := newWorld(t, 4, "8.15.3")
	w.index(t, "logs", 5, 1, 300)
	for range 200 {
		i := rng.IntN(4)
		id := fmt.Sprintf("id-%d", i)
		if _, in := w.Nodes[id]; in && len(w.Nodes) > 2 {
			w.NodeLeft(id, w.now, true)
		} else if !in {
			w.NodeJoined(node(i, "8.15.3"))
		}
		for range rng.IntN(5) + 1 {
			w.now = w.now.Add(time.Second)
			w.Reroute(w.now)
			w.assertNoSharedNode(t)
		}
	}
	for i := range 4 {
		w.NodeJoined(node(i, "8.15.3"))
	}
	w.settle(t, time.Hour)
	if got := w.Docs("logs"); got != 1500 {
		t.Errorf("documents after churn: %d, want 1500", got)
	}
}
