package pilot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/cassandra/nodetool"
)

// TestConformanceRingReadsAgree: the ring as the engine reads it through the Jolokia agent is the
// ring nodetool status prints (tools/nodetool/Status.java reads the same MBeans over JMX): the
// same nodes by datacenter, with the same status and state, address, token count, host id, rack
// and load; with every node up, then with one killed, which the failure detector marks down. The
// gossip generations the engine reports are nodetool info's, and a peer is listed up, with its
// generation, only while the failure detector holds it up: not once it is killed, and after its
// restart only at its new generation.
func TestConformanceRingReadsAgree(t *testing.T) {
	forEachBackend(t, testRingReadsAgree)
}

func testRingReadsAgree(t *testing.T, b backend) {
	c := newRing(t, b, "a", "b")
	c.startAll()
	a := c.engine("a")
	agree := func(what string, codes map[string]string) {
		t.Helper()
		var last string
		err := wait.PollUntilContextTimeout(t.Context(), 200*time.Millisecond, b.within(10*time.Second), true, func(context.Context) (bool, error) {
			out, err := a.read(t.Context(), "status")
			if err != nil {
				last = err.Error()
				return false, nil
			}
			printed, err := nodetool.ParseStatus(out)
			if err != nil {
				return false, fmt.Errorf("parsing nodetool status: %w\n%s", err, out)
			}
			r, err := a.jolokia.Ring(t.Context())
			if err != nil {
				last = err.Error()
				return false, nil
			}
			read := r.Status
			last = fmt.Sprintf("nodetool status:\n%s\nthrough Jolokia: %+v", out, read.Datacenters)
			return sameRing(printed, read) && sameCodes(read, codes), nil
		})
		if err != nil {
			t.Fatalf("%s: %v; last:\n%s", what, err, last)
		}
	}
	ipA, ipB := c.node("a").ip, c.node("b").ip
	agree("both reads to show a and b UN", map[string]string{ipA: "UN", ipB: "UN"})
	stA, stB := &navv1alpha1.PilotStatus{}, &navv1alpha1.PilotStatus{}
	sees := func(what string, st *navv1alpha1.PilotStatus, name string, want []navv1alpha1.CassandraPeer, moving bool) {
		t.Helper()
		eventually(t, b.within(10*time.Second), what, func() bool {
			return c.observe(name, st) == nil && slices.Equal(st.Cassandra.LiveNodes, want) && c.engine(name).PeersMoving() == moving
		})
	}
	sees("b to report its generation", stB, "b", []navv1alpha1.CassandraPeer{{Address: ipA, Generation: generationOf(t, c, "a")}}, false)
	genB := stB.Cassandra.Generation
	if genB == 0 || stB.Cassandra.Generation != generationOf(t, c, "b") {
		t.Fatalf("b reports generation %d; nodetool info says %d", genB, generationOf(t, c, "b"))
	}
	sees("a to see b up at its generation", stA, "a", []navv1alpha1.CassandraPeer{{Address: ipB, Generation: genB}}, false)

	c.kill("b")
	agree("both reads to show b DN", map[string]string{ipA: "UN", ipB: "DN"})
	sees("a to see no peer up", stA, "a", nil, true)

	// b starts again, with a new generation; a lists it up only once it holds that generation.
	c.start("b")
	sees("b to report its new generation", stB, "b", []navv1alpha1.CassandraPeer{{Address: ipA, Generation: stA.Cassandra.Generation}}, false)
	if stB.Cassandra.Generation <= genB {
		t.Fatalf("b restarted at generation %d, after %d", stB.Cassandra.Generation, genB)
	}
	sees("a to see b up at its new generation", stA, "a", []navv1alpha1.CassandraPeer{{Address: ipB, Generation: stB.Cassandra.Generation}}, false)
}

// generationOf is the node's gossip generation as nodetool info prints it ("Generation No").
func generationOf(t *testing.T, c *testRing, name string) int64 {
	t.Helper()
	out, err := c.engine(name).read(t.Context(), "info")
	if err != nil {
		t.Fatal(err)
	}
	info, err := nodetool.ParseInfo(out)
	if err != nil {
		t.Fatal(err)
	}
	return info.GenerationNo
}

// sameRing compares what both reads give of each node; ownership, which the engine does not
// read, aside.
func sameRing(x, y *nodetool.Status) bool {
	if len(x.Datacenters) != len(y.Datacenters) {
		return false
	}
	for i := range x.Datacenters {
		if x.Datacenters[i].Name != y.Datacenters[i].Name {
			return false
		}
		key := func(n nodetool.StatusNode) string {
			return strings.Join([]string{n.Code(), n.Address, fmt.Sprint(n.Tokens), n.HostID, n.Rack, fmt.Sprint(n.LoadKnown, n.Load)}, " ")
		}
		var xs, ys []string
		for _, n := range x.Datacenters[i].Nodes {
			xs = append(xs, key(n))
		}
		for _, n := range y.Datacenters[i].Nodes {
			ys = append(ys, key(n))
		}
		slices.Sort(xs)
		slices.Sort(ys)
		if !slices.Equal(xs, ys) {
			return false
		}
	}
	return true
}

func sameCodes(st *nodetool.Status, want map[string]string) bool {
	got := map[string]string{}
	for _, n := range st.Nodes() {
		got[n.Address] = n.Code()
	}
	return fmt.Sprint(got) == fmt.Sprint(want)
}
