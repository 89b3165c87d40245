package ring

import (
	"errors"
	"slices"
	"testing"
	"time"
)

// TestStatusCodesFollowTheNode walks a node through the states nodetool status shows.
func TestStatusCodesFollowTheNode(t *testing.T) {
	w := newWorld(t, 79)
	nodes := w.start(4, 2)
	w.keyspace("app", NTS("dc1", 2), nodes[0].HostID)
	w.fill(nodes[0].HostID, "app", 800, 4<<10, All)
	n, err := w.Join(w.now, w.spec(5, "dc1", "rack1"), JoinOptions{Bootstrap: true})
	if err != nil {
		t.Fatal(err)
	}
	codes := []string{n.StatusCode()}
	if err := w.Stop(w.now, n.HostID); err != nil {
		t.Fatal(err)
	}
	codes = append(codes, n.StatusCode())
	if err := w.Start(w.now, n.HostID); err != nil { // it bootstraps again
		t.Fatal(err)
	}
	w.settle(time.Hour)
	codes = append(codes, n.StatusCode())
	if err := w.Decommission(w.now, n.HostID, false); err != nil {
		t.Fatal(err)
	}
	codes = append(codes, n.StatusCode())
	if want := []string{"UJ", "DJ", "UN", "UL"}; !slices.Equal(codes, want) {
		t.Errorf("status codes %v, want %v", codes, want)
	}
	if err := w.Drain(w.now, nodes[1].HostID); err != nil {
		t.Fatal(err)
	}
	if nodes[1].StatusCode() != "DN" || !nodes[1].Running() || nodes[1].Mode != ModeDrained || nodes[1].NativeTransportActive() {
		t.Errorf("a drained node: %s running=%v mode=%s", nodes[1].StatusCode(), nodes[1].Running(), nodes[1].Mode)
	}
	// Members are listed by datacenter, then by lowest token, as nodetool status lists them.
	members := w.Members()
	for i := 1; i < len(members); i++ {
		if members[i-1].DC == members[i].DC && members[i-1].minToken() > members[i].minToken() {
			t.Fatalf("members out of order at %d", i)
		}
	}
}

func TestEffectiveOwnership(t *testing.T) {
	w := newWorld(t, 83)
	nodes := w.start(4, 2)
	// No user keyspace: system_traces, SimpleStrategy RF 2.
	own, err := w.EffectiveOwnership("")
	if err != nil {
		t.Fatal(err)
	}
	total := 0.0
	for _, o := range own {
		total += o
	}
	if total < 1.999 || total > 2.001 {
		t.Errorf("system_traces ownership sums to %v, want 2 (RF 2)", total)
	}
	w.keyspace("app", NTS("dc1", 4), nodes[0].HostID)
	if own, _ := w.EffectiveOwnership(""); own[nodes[2].HostID] < 0.999 {
		t.Errorf("with RF equal to the node count every node owns everything: %v", own)
	}
	w.keyspace("other", NTS("dc1", 1), nodes[0].HostID)
	if _, err := w.EffectiveOwnership(""); !errors.Is(err, ErrOwnershipMeaningless) {
		t.Errorf("user keyspaces with different replication: %v", err)
	}
	if own, err := w.EffectiveOwnership("other"); err != nil || len(own) != 4 {
		t.Errorf("ownership of one keyspace: %v %v", own, err)
	}
	var ise *IllegalStateError
	if _, err := w.EffectiveOwnership("system"); !errors.As(err, &ise) {
		t.Errorf("ownership of a LocalStrategy keyspace: %v, want an IllegalStateException (a note)", err)
	}
	var iae *IllegalArgumentError
	if _, err := w.EffectiveOwnership("nope"); !errors.As(err, &iae) || iae.Message != "The keyspace nope, does not exist" {
		t.Errorf("ownership of a missing keyspace: %v, want IllegalArgumentException (an error)", err)
	}
}
