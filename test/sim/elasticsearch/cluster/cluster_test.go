package cluster

import (
	"fmt"
	"math/rand/v2"
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

func TestRemovalStallsWhenShardsHaveNowhereToGo(t *testing.T) {
	w := newWorld(t, 2, "8.15.3")
	w.index(t, "logs", 1, 1, 10)
	w.PutShutdown(Shutdown{NodeID: "id-0", Type: ShutdownRemove, Started: w.now})
	w.settle(t, time.Minute)
	st, _ := w.Shutdown("id-0")
	if st.Status != "STALLED" || !strings.Contains(st.Explanation, "cannot move away") {
		t.Errorf("removing one of two nodes holding both copies: %+v, want STALLED with an explanation", st)
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
