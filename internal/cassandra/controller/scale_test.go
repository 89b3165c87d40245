package controller

import (
	"slices"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	res "github.com/navigator-dbaas/navigator/internal/cassandra/resources"
	"github.com/navigator-dbaas/navigator/internal/controller/nodes"
	"github.com/navigator-dbaas/navigator/internal/controller/progress"
)

func TestScaleInPredicates(t *testing.T) {
	tests := []struct {
		name   string
		change func(s *clusterState)
		want   string // the predicate that holds ring-a-2's decommission; empty: allowed
	}{
		{"settled ring with room", func(*clusterState) {}, ""},
		{"the datacenter would drop below RF", func(s *clusterState) {
			*s.pools[1].spec.Replicas = 0 // b leaves entirely: a keeps 2, RF is 3
		}, PredicateReplicationFactorMet},
		{"the cluster would drop below a SimpleStrategy RF", func(s *clusterState) {
			for _, n := range s.nodes() {
				n.Pilot.Status.Cassandra.ReplicationFactor = 2
			}
			s.node("ring-b-1").Pilot.Status.Cassandra.ClusterReplicationFactor = 5 // 4 nodes would stay
			s.node("ring-b-1").Pilot.Status.Cassandra.ClusterReplicationKeyspace = "system_distributed"
		}, PredicateReplicationFactorMet},
		{"a SimpleStrategy RF the cluster keeps", func(s *clusterState) {
			s.node("ring-b-1").Pilot.Status.Cassandra.ClusterReplicationFactor = 3
		}, ""},
		{"the rack's other nodes lack room", func(s *clusterState) {
			s.node("ring-a-1").Pilot.Status.Cassandra.FreeSpace = ptr.To(resource.MustParse("4Gi")) // share is 5Gi
		}, PredicateRemainingNodesRoom},
		{"another node joins", func(s *clusterState) {
			s.node("ring-b-0").Pilot.Status.Cassandra.State = "UJ"
			s.node("ring-b-0").State = "NotReady"
		}, PredicateRingSettled},
		{"the leaving node's pilot is silent", func(s *clusterState) {
			s.node("ring-a-2").State = "Unknown"
		}, PredicatePilotReporting},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := fixture()
			*s.pools[0].spec.Replicas = 2
			tt.change(s)
			v := mayLeave(s, s.node("ring-a-2"))
			if tt.want == "" && !v.OK {
				t.Fatalf("held by %s: %s", v.Predicate, v.Reason)
			}
			if tt.want != "" && (v.OK || v.Predicate != tt.want) {
				t.Fatalf("verdict %+v, want held by %s", v, tt.want)
			}
			t.Logf("%s: %s", v.Predicate, v.Reason)
		})
	}
}

func TestScaleInDecommissionsTheHighestOrdinalThenShrinks(t *testing.T) {
	s := fixture()
	*s.pools[0].spec.Replicas = 1
	r := reconciler(t, s)
	prog := &progress.Progress{}
	if err := r.scale(t.Context(), s, prog); err != nil {
		t.Fatal(err)
	}
	if a := started(t, r, s.node("ring-a-2")).Spec.Action; a != navv1alpha1.ActionLeave {
		t.Fatalf("ring-a-2 asked for %q, want Leave", a)
	}
	if a := started(t, r, s.node("ring-a-1")).Spec.Action; a != navv1alpha1.ActionNone {
		t.Fatalf("ring-a-1 asked for %q while ring-a-2 leaves", a)
	}
	// The pilot reports the decommission done: the StatefulSet shrinks past ring-a-2 only.
	a2 := s.node("ring-a-2")
	a2.Pilot = started(t, r, a2)
	a2.Pilot.Status.Action = &navv1alpha1.PilotActionStatus{Action: navv1alpha1.ActionLeave, Phase: navv1alpha1.ActionComplete}
	a2.Pilot.Status.ObservedGeneration = a2.Pilot.Generation
	if err := r.Client.Create(t.Context(), s.pools[0].sts); err != nil {
		t.Fatal(err)
	}
	claim := &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Name: "data-ring-a-2", Namespace: "db"}}
	if err := r.Client.Create(t.Context(), claim); err != nil {
		t.Fatal(err)
	}
	if err := r.scale(t.Context(), s, &progress.Progress{}); err != nil {
		t.Fatal(err)
	}
	if n := *s.pools[0].sts.Spec.Replicas; n != 2 {
		t.Fatalf("StatefulSet at %d replicas, want 2 (one node at a time)", n)
	}
	// The claim, which whenScaled: Retain would keep, records whose data it holds.
	if err := r.Client.Get(t.Context(), client.ObjectKeyFromObject(claim), claim); err != nil {
		t.Fatal(err)
	}
	if got := claim.Annotations[res.AnnotationDecommissioned]; got != "host-ring-a-2" {
		t.Fatalf("the decommissioned node's claim is marked %q, want host-ring-a-2", got)
	}
}

func TestRestartsGoRackByRack(t *testing.T) {
	s := fixture()
	for _, n := range s.nodes() {
		n.Updated = false
	}
	// ring-a-2 is draining: another node of rack a may follow within the budget, rack b may not.
	s.cc.Spec.UpdateStrategy.MaxUnavailable = 2
	inFlight := []*node{s.node("ring-a-2")}
	if v := mayRestart(s, s.node("ring-a-1"), inFlight); !v.OK {
		t.Fatalf("ring-a-1 held by %s: %s", v.Predicate, v.Reason)
	}
	if v := mayRestart(s, s.node("ring-b-1"), inFlight); v.OK || v.Predicate != PredicateOneRackAtATime {
		t.Fatalf("ring-b-1: %+v, want held by %s", v, PredicateOneRackAtATime)
	}
	s.node("ring-b-0").Pilot.Status.Cassandra.DownNodes = []string{"10.0.0.9"}
	if v := mayRestart(s, s.node("ring-a-1"), inFlight); v.OK || v.Predicate != PredicateOtherNodesUp || !strings.Contains(v.Reason, "10.0.0.9") {
		t.Fatalf("with a node down: %+v, want held by %s", v, PredicateOtherNodesUp)
	}
}

// TestRackNamesArePerDatacenter: rack r1 of dc1 and rack r1 of dc2 are two racks, as Cassandra
// counts them: a node of one may not restart beside a node of the other, though the names match.
func TestRackNamesArePerDatacenter(t *testing.T) {
	s := fixture()
	s.cc.Spec.NodePools[0].Rack, s.cc.Spec.NodePools[1].Rack, s.cc.Spec.NodePools[1].Datacenter = "r1", "r1", "dc2"
	for _, n := range s.nodes() {
		n.Updated = false
	}
	s.cc.Spec.UpdateStrategy.MaxUnavailable = 2
	inFlight := []*node{s.node("ring-a-2")}
	if v := mayRestart(s, s.node("ring-a-1"), inFlight); !v.OK {
		t.Fatalf("ring-a-1, in dc1/r1 with the node in flight: held by %s: %s", v.Predicate, v.Reason)
	}
	if v := mayRestart(s, s.node("ring-b-1"), inFlight); v.OK || v.Predicate != PredicateOneRackAtATime || !strings.Contains(v.Reason, "dc1/r1") {
		t.Fatalf("ring-b-1, in dc2/r1: %+v, want held by %s naming dc1/r1", v, PredicateOneRackAtATime)
	}
}

// TestARestartWaitsUntilEveryNodeSeesTheLastOneBack: after ring-a-0's restart, its own pilot
// reports it back, but ring-b-0 still holds its old generation and ring-a-2 does not hold it up
// at all: either would count it out of a quorum, so no other node may go down until both see it
// at its new generation. A node whose pilot reports no generation is left out of the check.
func TestARestartWaitsUntilEveryNodeSeesTheLastOneBack(t *testing.T) {
	s := fixture()
	all := s.nodes()
	for i, n := range all {
		n.Updated = false
		n.Pilot.Status.Cassandra.Generation = int64(100 + i)
	}
	seeAll := func() {
		for _, viewer := range all {
			f := viewer.Pilot.Status.Cassandra
			f.LiveNodes = nil
			for _, n := range all {
				if n != viewer && n.Pilot.Status.Cassandra.Generation != 0 {
					f.LiveNodes = append(f.LiveNodes, navv1alpha1.CassandraPeer{Address: n.Pilot.Status.Node.Address, Generation: n.Pilot.Status.Cassandra.Generation})
				}
			}
		}
	}
	seeAll()
	if v := mayRestart(s, s.node("ring-a-1"), nil); !v.OK {
		t.Fatalf("every view current: held by %s: %s", v.Predicate, v.Reason)
	}
	restarted := s.node("ring-a-0")
	restarted.Updated = true
	restarted.Pilot.Status.Cassandra.Generation = 200
	if v := mayRestart(s, s.node("ring-a-1"), nil); v.OK || v.Predicate != PredicateRestartsSeen ||
		!strings.Contains(v.Reason, "ring-a-0 up at its generation 200") {
		t.Fatalf("nobody has heard ring-a-0's new generation: %+v, want held by %s", v, PredicateRestartsSeen)
	}
	seeAll()
	lagging := s.node("ring-a-2").Pilot.Status.Cassandra
	lagging.LiveNodes = slices.DeleteFunc(lagging.LiveNodes, func(p navv1alpha1.CassandraPeer) bool {
		return p.Address == restarted.Pilot.Status.Node.Address
	})
	if v := mayRestart(s, s.node("ring-a-1"), nil); v.OK || v.Predicate != PredicateRestartsSeen ||
		v.Reason != "ring-a-2 does not see ring-a-0 up at its generation 200 yet" {
		t.Fatalf("ring-a-2 holds ring-a-0 down: %+v", v)
	}
	seeAll()
	if v := mayRestart(s, s.node("ring-a-1"), nil); !v.OK {
		t.Fatalf("every node sees ring-a-0 back: held by %s: %s", v.Predicate, v.Reason)
	}
	// ring-b-1's pilot reads the ring through nodetool alone: no generations to check.
	old := s.node("ring-b-1").Pilot.Status.Cassandra
	old.Generation, old.LiveNodes = 0, nil
	seeAll()
	if v := mayRestart(s, s.node("ring-a-1"), nil); !v.OK {
		t.Fatalf("with a pilot that reports no generation: held by %s: %s", v.Predicate, v.Reason)
	}
}

func TestMembersMarkCleanupAfterAJoinAndForgetDecommissioned(t *testing.T) {
	s := fixture()
	n := addNode(s.pools[1], "10.0.1.93")
	n.Pilot.Spec.Start = true
	n.Pilot.Status.Conditions[0].Status = "True"
	n.Pilot.Status.Node.ID = "host-new"
	n.State = "Ready"
	got := members(s, s.cc.Status.Nodes)
	for _, m := range got {
		if want := m.Name != n.Name; m.CleanupPending != want {
			t.Errorf("%s: cleanupPending %v, want %v", m.Name, m.CleanupPending, want)
		}
	}
	// ring-a-2 decommissioned and the StatefulSet shrank past it: it is forgotten.
	s.pools[0].nodes = s.pools[0].nodes[:2]
	s.cleaned = []string{"ring-a-0"}
	got = members(s, got)
	for _, m := range got {
		if m.Name == "ring-a-2" {
			t.Error("ring-a-2 still recorded after it left")
		}
		if m.Name == "ring-a-0" && m.CleanupPending {
			t.Error("ring-a-0 still pending after its cleanup")
		}
	}
}

// TestARemovedNodeStillStoppingKeepsTheScaleInOpen: the StatefulSet has shrunk past a
// decommissioned node whose pod still drains; until it is gone the cluster is still scaling in.
func TestARemovedNodeStillStoppingKeepsTheScaleInOpen(t *testing.T) {
	s := fixture()
	s.pools[1].departing = []nodes.Departure{{Node: "ring-b-2", Waiting: "its pod to stop"}}
	r := reconciler(t, s)
	prog := &progress.Progress{}
	if err := r.scale(t.Context(), s, prog); err != nil {
		t.Fatal(err)
	}
	ops := prog.Operations(nil, s.cc.CreationTimestamp)
	if prog.Reason != navv1alpha1.ReasonScalingIn || len(ops) != 1 || ops[0].Node != "ring-b-2" ||
		ops[0].Type != navv1alpha1.OperationScaleIn || ops[0].Phase != navv1alpha1.OperationInProgress {
		t.Fatalf("progress %q, operations %+v: want ring-b-2's scale in still in progress", prog.Reason, ops)
	}
}

// TestAPoolGrowsBackOnlyOnceItsRemovedNodesHaveLeft: grown back while the claim of a node its
// last scale in removed is still being deleted, the StatefulSet would never create that
// node's pod; the pool waits, saying for whom, and grows once the node has left.
func TestAPoolGrowsBackOnlyOnceItsRemovedNodesHaveLeft(t *testing.T) {
	s := fixture()
	p := s.pools[1]
	p.spec.Replicas = ptr.To[int32](3)
	p.departing = []nodes.Departure{{Node: "ring-b-2", Waiting: "the garbage collector to delete its claim data-ring-b-2"}}
	r := reconciler(t, s)
	if err := r.Client.Create(t.Context(), p.sts.DeepCopy()); err != nil {
		t.Fatal(err)
	}
	prog := &progress.Progress{}
	if err := r.scale(t.Context(), s, prog); err != nil {
		t.Fatal(err)
	}
	if got := *p.sts.Spec.Replicas; got != 2 || prog.Reason != navv1alpha1.ReasonScalingOut || !strings.Contains(prog.Message, "ring-b-2") {
		t.Fatalf("replicas %d, progress %q %q: want 2, the scale out waiting for ring-b-2", got, prog.Reason, prog.Message)
	}
	p.departing = nil
	if err := r.scale(t.Context(), s, &progress.Progress{}); err != nil {
		t.Fatal(err)
	}
	var sts appsv1.StatefulSet
	if err := r.Client.Get(t.Context(), client.ObjectKeyFromObject(p.sts), &sts); err != nil || *sts.Spec.Replicas != 3 {
		t.Fatalf("once ring-b-2 has left, the StatefulSet has %v replicas (%v), want 3", sts.Spec.Replicas, err)
	}
}

// TestTheNextRestartWaitsForTheLastNodeBackToSettle: ring-a-0 came back two seconds ago; the
// next node waits the rest of minReadySeconds, pending rather than blocked (the clock alone
// lets it go), and the pass asks to be run again then.
func TestTheNextRestartWaitsForTheLastNodeBackToSettle(t *testing.T) {
	s := fixture()
	for _, n := range s.nodes() {
		n.Updated = n.Name == "ring-a-0"
		n.Pod.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: metav1.NewTime(s.now.Add(-time.Hour))}}
	}
	s.node("ring-a-0").Pod.Status.Conditions[0].LastTransitionTime = metav1.NewTime(s.now.Add(-2 * time.Second))
	r := reconciler(t, s)
	prog := &progress.Progress{}
	if err := r.roll(t.Context(), s, prog); err != nil {
		t.Fatal(err)
	}
	ops := prog.Operations(nil, s.cc.CreationTimestamp)
	i := slices.IndexFunc(ops, func(o navv1alpha1.NodeOperation) bool { return o.Node == "ring-a-2" })
	if i < 0 || ops[i].Phase != navv1alpha1.OperationPending || ops[i].BlockedBy != "" ||
		!strings.Contains(ops[i].Message, "ring-a-0 has been ready for 2s of the 5s") || prog.Recheck() != 3*time.Second {
		t.Fatalf("operations %+v, recheck %s: want ring-a-2, next in line, pending for 3s more", ops, prog.Recheck())
	}
	if s.node("ring-a-2").Pilot.Spec.Action == navv1alpha1.ActionPrepareRestart {
		t.Fatal("ring-a-2 was asked to drain while ring-a-0 had just come back")
	}
}
