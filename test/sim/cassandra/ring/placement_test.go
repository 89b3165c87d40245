package ring

import (
	"fmt"
	"slices"
	"testing"
)

// ringOf builds nodes with one token each, given as (address, dc, rack, token).
func ringOf(specs ...any) []*Node {
	var out []*Node
	for i := 0; i+3 < len(specs); i += 4 {
		out = append(out, &Node{Address: specs[i].(string), DC: specs[i+1].(string), Rack: specs[i+2].(string), Tokens: []Token{Token(specs[i+3].(int))}})
	}
	return out
}

func placed(r *tokenRing, rep Replication, t Token) []string {
	// The ring caches placement by keyspace name: name each replication apart.
	return addresses(r.replicas(&Keyspace{Name: rep.String(), Replication: rep}, t))
}

// TestPlacementTakesDistinctRacksFirst: with as many racks as replicas, NetworkTopologyStrategy
// skips nodes of a rack already used, however close they are on the ring.
func TestPlacementTakesDistinctRacksFirst(t *testing.T) {
	r := newTokenRing(ringOf(
		"a", "dc1", "r1", 100, "b", "dc1", "r1", 200, "c", "dc1", "r2", 300,
		"d", "dc1", "r2", 400, "e", "dc1", "r3", 500, "f", "dc1", "r3", 600))
	cases := map[Token][]string{
		50:  {"a", "c", "e"}, // b and d are skipped: their racks are taken
		150: {"b", "c", "e"},
		450: {"e", "a", "c"}, // wraps around the ring
		650: {"a", "c", "e"},
	}
	for tok, want := range cases {
		if got := placed(r, NTS("dc1", 3), tok); !slices.Equal(got, want) {
			t.Errorf("replicas of %d = %v, want %v", tok, got, want)
		}
	}
	// SimpleStrategy ignores racks.
	if got := placed(r, Simple(3), 50); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("SimpleStrategy: %v", got)
	}
}

// TestRackRepeatsAreTakenAsMet pins Cassandra's exact order when there are fewer racks than
// replicas: rf - racks repeats are allowed, and taken by the first nodes met, before every rack
// has been seen. A "distinct racks first, then fill" walk gives the same nodes in another order
// ([a d b]); the order matters, since it is the order reads try replicas in.
func TestRackRepeatsAreTakenAsMet(t *testing.T) {
	r := newTokenRing(ringOf("a", "dc1", "r1", 100, "b", "dc1", "r1", 200, "c", "dc1", "r1", 300, "d", "dc1", "r2", 400))
	if got := placed(r, NTS("dc1", 3), 50); !slices.Equal(got, []string{"a", "b", "d"}) {
		t.Errorf("replicas = %v, want [a b d]: b repeats rack r1 while one repeat is left, c does not", got)
	}
	// With as many racks as replicas no repeat is allowed at all.
	r3 := newTokenRing(ringOf("a", "dc1", "r1", 100, "b", "dc1", "r1", 200, "c", "dc1", "r2", 300, "d", "dc1", "r3", 400))
	if got := placed(r3, NTS("dc1", 3), 50); !slices.Equal(got, []string{"a", "c", "d"}) {
		t.Errorf("replicas = %v, want [a c d]", got)
	}
}

// TestPlacementPerDatacenter: each datacenter gets its own factor; a datacenter with fewer nodes
// than its factor puts a replica on every node; a datacenter absent from the replication gets
// none.
func TestPlacementPerDatacenter(t *testing.T) {
	r := newTokenRing(ringOf(
		"a1", "dc1", "r1", 100, "b1", "dc2", "r1", 150, "a2", "dc1", "r2", 200, "b2", "dc2", "r2", 250,
		"a3", "dc1", "r3", 300, "c1", "dc3", "r1", 350, "a4", "dc1", "r1", 400))
	got := placed(r, NTS("dc1", 3, "dc2", 3), 0)
	if want := []string{"a1", "b1", "a2", "b2", "a3"}; !slices.Equal(got, want) {
		t.Errorf("replicas = %v, want %v (three in dc1, both dc2 nodes, none in dc3)", got, want)
	}
	for _, tok := range []Token{-5, 120, 260, 390, 401} {
		byDC := map[string]int{}
		for _, n := range r.replicas(&Keyspace{Name: "x", Replication: NTS("dc1", 2, "dc3", 1)}, tok) {
			byDC[n.DC]++
		}
		if byDC["dc1"] != 2 || byDC["dc3"] != 1 || byDC["dc2"] != 0 {
			t.Errorf("token %d: replicas per datacenter %v", tok, byDC)
		}
	}
}

// TestPlacementIsDeterministicForGivenTokens: two clusters whose nodes have the same tokens place
// every key on the same nodes, whatever their host IDs.
func TestPlacementIsDeterministicForGivenTokens(t *testing.T) {
	build := func(seed uint64) *world {
		w := newWorld(t, seed)
		for i := range 6 {
			spec := w.spec(i+1, "dc1", fmt.Sprintf("r%d", i%3))
			spec.Tokens = []Token{Token(-9e18 + float64(i)*3e18), Token(-8e18 + float64(i)*3e18)}
			if _, err := w.Join(w.now, spec, JoinOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		w.keyspace("app", NTS("dc1", 3), w.Members()[0].HostID)
		return w
	}
	a, b := build(1), build(2)
	if a.Members()[0].HostID == b.Members()[0].HostID {
		t.Fatal("the two clusters should differ in host IDs")
	}
	for i := range 1000 {
		ra, _ := a.Replicas("app", key(i))
		rb, _ := b.Replicas("app", key(i))
		if !slices.Equal(addresses(ra), addresses(rb)) {
			t.Fatalf("key %d: %v and %v", i, addresses(ra), addresses(rb))
		}
		racks := map[string]bool{}
		for _, n := range ra {
			racks[n.Rack] = true
		}
		if len(ra) != 3 || len(racks) != 3 {
			t.Fatalf("key %d: replicas %v in racks %v", i, addresses(ra), racks)
		}
	}
}
