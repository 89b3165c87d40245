package nodetool

import (
	"math"
	"slices"
	"strings"
	"testing"

	parse "github.com/navigator-dbaas/navigator/internal/cassandra/nodetool"
	"github.com/navigator-dbaas/navigator/test/sim/cassandra/ring"
)

// twoDatacenters is four nodes over two racks in dc1 and three in dc2, a keyspace replicated in
// both, a node joining dc1 and a node of dc2 down.
func twoDatacenters(t *testing.T, release string) (*sim, *ring.Node, *ring.Node) {
	s := newSim(t, 7)
	var first *ring.Node
	for i := range 4 {
		n := s.join(spec(i, "dc1", []string{"r1", "r2"}[i%2], release))
		if first == nil {
			first = n
		}
	}
	var down *ring.Node
	for i := range 3 {
		down = s.join(spec(100+i, "dc2", "r1", release))
	}
	s.keyspace(first, "app", ring.NTS("dc1", 3, "dc2", 2), 300)
	joining, err := s.Join(s.now, spec(4, "dc1", "r1", release), ring.JoinOptions{Bootstrap: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Stop(s.now, down.HostID); err != nil {
		t.Fatal(err)
	}
	return s, joining, down
}

// TestStatusRoundTrip prints the ring as nodetool status on each release, with and without -pp,
// and reads it back with the pilot's parser: every node, in its datacenter, with its state,
// address, load (to the printed precision), token count, effective ownership, host ID and rack.
func TestStatusRoundTrip(t *testing.T) {
	for _, release := range []string{"4.0.13", "4.1.5", "5.0.2"} {
		for _, pp := range []bool{false, true} {
			s, joining, down := twoDatacenters(t, release)
			out := stdout(t)(Status(s.Cluster, s.Members()[0], Options{PrintPort: pp}))
			st, err := parse.ParseStatus(out)
			if err != nil {
				t.Fatalf("%s pp=%v: %v\n%s", release, pp, err, out)
			}
			if !st.Effective || st.Note != "" || len(st.Datacenters) != 2 || st.Datacenters[0].Name != "dc1" || st.Datacenters[1].Name != "dc2" {
				t.Fatalf("%s: effective %v, note %q, datacenters %+v", release, st.Effective, st.Note, st.Datacenters)
			}
			own, _ := s.EffectiveOwnership("")
			seen := 0
			for _, dc := range st.Datacenters {
				for _, p := range dc.Nodes {
					seen++
					n := s.Node(p.HostID)
					if n == nil || n.DC != dc.Name {
						t.Fatalf("%s: node %s not in %s", release, p.HostID, dc.Name)
					}
					if p.Code() != n.StatusCode() || p.Address != address(n, pp) || p.Rack != n.Rack || p.Tokens != len(n.Tokens) {
						t.Errorf("%s: %+v for %s %s", release, p, n.StatusCode(), n.Address)
					}
					if !p.LoadKnown || !closeTo(p.Load, n.Load()) {
						t.Errorf("%s: %s load %d, node holds %d", release, n.Address, p.Load, n.Load())
					}
					want, owns := own[n.HostID]
					if p.OwnsKnown != owns || owns && math.Abs(p.Owns-want) > 0.0005 {
						t.Errorf("%s: %s owns %v (%v), effective ownership %v (%v)", release, n.Address, p.Owns, p.OwnsKnown, want, owns)
					}
				}
			}
			if seen != len(s.Members()) {
				t.Errorf("%s: %d nodes printed, %d members", release, seen, len(s.Members()))
			}
			codes := map[string]string{}
			for _, p := range st.Nodes() {
				codes[p.HostID] = p.Code()
			}
			if codes[joining.HostID] != "UJ" || codes[down.HostID] != "DN" {
				t.Errorf("%s: joining %s, down %s", release, codes[joining.HostID], codes[down.HostID])
			}
		}
	}
}

// TestStatusOrdersNodesAsNodetoolDoes: within a datacenter, nodes come in the order of the Java
// HashMap nodetool groups tokens in, keyed by address in 4.0 and by address and port from 4.1.
func TestStatusOrdersNodesAsNodetoolDoes(t *testing.T) {
	for _, release := range []string{"4.0.13", "4.1.5"} {
		s := newSim(t, 3)
		for i := range 12 {
			s.join(spec(i, "dc1", "r1", release))
		}
		st, err := parse.ParseStatus(stdout(t)(Status(s.Cluster, s.Members()[0], Options{})))
		if err != nil {
			t.Fatal(err)
		}
		var printed, keys []string
		for _, p := range st.Nodes() {
			printed = append(printed, p.Address)
		}
		for _, n := range s.Members() {
			k := n.Address
			if release != "4.0.13" {
				k = address(n, true)
			}
			keys = append(keys, k)
		}
		var want []string
		for _, k := range javaHashOrder(keys, multimapDefault) {
			want = append(want, strings.TrimSuffix(k, ":7000"))
		}
		if !slices.Equal(printed, want) {
			t.Errorf("%s: printed %v, want %v", release, printed, want)
		}
		sorted := slices.Sorted(slices.Values(printed))
		if slices.Equal(printed, sorted) {
			t.Errorf("%s: twelve nodes came out sorted, which a HashMap does not do for these addresses: %v", release, printed)
		}
	}
}

// TestStatusLayouts: single-token nodes print their token rather than a count, but only while
// there are no more tokens than datacenters (Status.java's test); more nodes than that print the
// vnode layout with a count of 1.
func TestStatusLayouts(t *testing.T) {
	s := newSim(t, 5)
	a := spec(0, "dc1", "r1", "4.1.5")
	a.Tokens = []ring.Token{-4611686018427387904}
	b := spec(100, "dc2", "r1", "4.1.5")
	b.Tokens = []ring.Token{4611686018427387904}
	s.join(a)
	s.join(b)
	out := stdout(t)(Status(s.Cluster, s.Members()[0], Options{}))
	if !strings.Contains(out, "Host ID                               Token                 Rack") {
		t.Errorf("two single-token nodes in two datacenters print the token layout:\n%s", out)
	}
	st, err := parse.ParseStatus(out)
	if err != nil || st.Datacenters[0].Nodes[0].Token != "-4611686018427387904" || st.Datacenters[1].Nodes[0].Token != "4611686018427387904" {
		t.Fatalf("%+v %v", st, err)
	}
	c := spec(1, "dc1", "r1", "4.1.5")
	c.Tokens = []ring.Token{0}
	s.join(c)
	st, err = parse.ParseStatus(stdout(t)(Status(s.Cluster, s.Members()[0], Options{})))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range st.Nodes() {
		if n.Token != "" || n.Tokens != 1 {
			t.Errorf("three tokens, two datacenters: vnode layout with one token each, got %+v", n)
		}
	}
}

// TestStatusWithoutEffectiveOwnership: user keyspaces that replicate differently leave plain
// ownership and a note, unless a keyspace is named; an unknown keyspace is an error, exit 1.
func TestStatusWithoutEffectiveOwnership(t *testing.T) {
	s := newSim(t, 9)
	var first *ring.Node
	for i := range 3 {
		n := s.join(spec(i, "dc1", "r1", "5.0.2"))
		if first == nil {
			first = n
		}
	}
	s.keyspace(first, "a", ring.NTS("dc1", 3), 10)
	s.keyspace(first, "b", ring.NTS("dc1", 1), 10)
	st, err := parse.ParseStatus(stdout(t)(Status(s.Cluster, first, Options{})))
	if err != nil {
		t.Fatal(err)
	}
	if st.Effective || st.Note != ring.ErrOwnershipMeaningless.Message || st.Nodes()[0].OwnsKnown {
		t.Errorf("effective %v, note %q, %+v", st.Effective, st.Note, st.Nodes()[0])
	}
	st, err = parse.ParseStatus(stdout(t)(Status(s.Cluster, first, Options{Keyspace: "a"})))
	if err != nil || !st.Effective || math.Abs(st.Nodes()[0].Owns-1) > 1e-9 {
		t.Errorf("for keyspace a (RF 3 on 3 nodes) every node owns 100%%: %+v %v", st, err)
	}
	r, err := Status(s.Cluster, first, Options{Keyspace: "nope"})
	if err != nil || r.ExitCode != 1 || r.Stdout != "\nError: The keyspace nope, does not exist\n" {
		t.Errorf("unknown keyspace: %+v %v", r, err)
	}
	if _, err := parse.ParseStatus(r.Stdout); err == nil || err.Error() != "The keyspace nope, does not exist" {
		t.Errorf("the parser reports nodetool's error: %v", err)
	}
}
