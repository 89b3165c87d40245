package ring

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// TestRandomChurnKeepsEveryRowReadableAtQuorum: nodes stop and start, join and leave at random,
// never more than one down at a time, while rows are written at QUORUM. With RF 3, after every
// step every row reads back at QUORUM with the last value written: a quorum of replicas always
// holds it, through each bootstrap (which takes a range from the replica giving it up) and each
// decommission (which hands a range to the replica taking it over).
func TestRandomChurnKeepsEveryRowReadableAtQuorum(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	w := newWorld(t, 97)
	w.start(5, 3)
	w.keyspace("app", NTS("dc1", 3), w.Members()[0].HostID)
	const keys = 300
	latest := map[int]string{}
	next := 6
	live := func() []*Node {
		var out []*Node
		for _, n := range w.Members() {
			if n.Up {
				out = append(out, n)
			}
		}
		return out
	}
	down := func() *Node {
		for _, n := range w.Members() {
			if !n.Up {
				return n
			}
		}
		return nil
	}
	counts := map[string]int{}
	for step := range 600 {
		ups := live()
		coord := ups[rng.IntN(len(ups))]
		switch r := rng.IntN(20); {
		case r < 10:
			k := rng.IntN(keys)
			v := fmt.Sprintf("v%d-%d", k, step)
			err := w.Write(w.now, coord.HostID, "app", "rows", key(k), v, Quorum)
			var u *UnavailableError
			switch {
			case err == nil:
				latest[k] = v
				counts["write"]++
			case errors.As(err, &u):
				counts["unavailable"]++ // refused before any replica stored it
			default:
				t.Fatalf("step %d: write: %v", step, err)
			}
		case r < 14:
			if d := down(); d != nil {
				if err := w.Start(w.now, d.HostID); err == nil {
					counts["start"]++
				}
			} else if len(ups) > 0 {
				_ = w.Stop(w.now, ups[rng.IntN(len(ups))].HostID)
				counts["stop"]++
			}
		case r < 16:
			if len(w.ops) == 0 && down() == nil && len(w.Members()) < 8 {
				spec := w.spec(next, "dc1", fmt.Sprintf("rack%d", rng.IntN(3)+1))
				next++
				if _, err := w.Join(w.now, spec, JoinOptions{Bootstrap: true}); err != nil {
					t.Fatalf("step %d: bootstrap: %v", step, err)
				}
				counts["bootstrap"]++
			}
		case r < 18:
			if len(w.ops) == 0 && down() == nil && len(w.Members()) > 5 {
				ms := w.Members()
				if err := w.Decommission(w.now, ms[rng.IntN(len(ms))].HostID, false); err != nil {
					t.Fatalf("step %d: decommission: %v", step, err)
				}
				counts["decommission"]++
			}
		default:
			for _, op := range w.ops {
				if op.failed != nil && down() == nil {
					if err := w.ResumeBootstrap(w.now, op.node.HostID); err == nil {
						counts["resume"]++
					}
				}
			}
		}
		w.step(time.Duration(1+rng.IntN(3)) * time.Second)
		for k, v := range latest {
			// What makes every quorum see the row: a quorum of its replicas stores it. (Reads
			// alone would miss a loss that the replicas they happen to contact cover.)
			reps, _ := w.Replicas("app", key(k))
			holding := 0
			for _, r := range reps {
				if r.data["app.rows"][string(key(k))].Value == v {
					holding++
				}
			}
			if holding < 2 {
				t.Fatalf("step %d: key %d: %d of its replicas %v hold the last value; counts %v", step, k, holding, addresses(reps), counts)
			}
		}
		// Read back a few rows: every read repairs the replicas it contacts, so reading them all
		// would keep healing what a faulty stream broke, and hide it.
		for range 5 {
			k := rng.IntN(keys)
			v, written := latest[k]
			if !written {
				continue
			}
			ups := live()
			cell, found, err := w.Read(w.now, ups[rng.IntN(len(ups))].HostID, "app", "rows", key(k), Quorum)
			if err != nil || !found || cell.Value != v {
				t.Fatalf("step %d: key %d reads %q (found %v, err %v), want %q; counts %v", step, k, cell.Value, found, err, v, counts)
			}
		}
	}
	if counts["bootstrap"] < 2 || counts["decommission"] < 2 || counts["stop"] < 10 || counts["write"] < 200 {
		t.Errorf("the churn did too little to mean anything: %v", counts)
	}
	t.Logf("churn: %v", counts)
}
