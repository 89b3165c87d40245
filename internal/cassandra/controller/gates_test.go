package controller

import (
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	res "github.com/navigator-dbaas/navigator/internal/cassandra/resources"
	"github.com/navigator-dbaas/navigator/internal/controller/progress"
)

func started(t *testing.T, r *Reconciler, n *node) *navv1alpha1.Pilot {
	t.Helper()
	var p navv1alpha1.Pilot
	if err := r.Client.Get(t.Context(), client.ObjectKeyFromObject(n.Pilot), &p); err != nil {
		t.Fatal(err)
	}
	return &p
}

func TestNewNodesBootstrapOneAtATime(t *testing.T) {
	s := fixture()
	// Pool b grows to 4: ordinals 2 and 3 are new, empty, announced.
	*s.pools[1].spec.Replicas = 4
	addNode(s.pools[1], "10.0.1.92")
	addNode(s.pools[1], "10.0.1.93")
	r := reconciler(t, s)
	prog := &progress.Progress{}
	if err := r.openGates(t.Context(), s, prog); err != nil {
		t.Fatal(err)
	}
	if !started(t, r, s.node("ring-b-2")).Spec.Start {
		t.Fatal("ring-b-2, the first new node, was not let in")
	}
	if started(t, r, s.node("ring-b-3")).Spec.Start {
		t.Fatal("ring-b-3 was let in while ring-b-2 bootstraps")
	}
	// Next pass: ring-b-2 runs but is joining (UJ): ring-b-3 still waits, and says why.
	b2 := s.node("ring-b-2")
	b2.Pilot = started(t, r, b2)
	b2.Pilot.Status.Cassandra = &navv1alpha1.CassandraPilotStatus{State: "UJ"}
	prog = &progress.Progress{}
	if err := r.openGates(t.Context(), s, prog); err != nil {
		t.Fatal(err)
	}
	if started(t, r, s.node("ring-b-3")).Spec.Start {
		t.Fatal("ring-b-3 was let in while ring-b-2 is joining")
	}
	ops := prog.Operations(nil, s.cc.CreationTimestamp)
	if len(ops) != 1 || ops[0].Node != "ring-b-3" || ops[0].Phase != navv1alpha1.OperationPending {
		t.Fatalf("operations %+v, want ring-b-3 pending", ops)
	}
	t.Logf("ring-b-3: %s", ops[0].Message)
}

func TestDiskLossStartsAReplacementOnceTheOldAddressIsDown(t *testing.T) {
	s := fixture()
	a1 := s.node("ring-a-1")
	emptyNode(a1, "10.0.9.9") // new pod, new address, no data; the record says 10.0.0.2
	r := reconciler(t, s)
	prog := &progress.Progress{}
	if err := r.openGates(t.Context(), s, prog); err != nil {
		t.Fatal(err)
	}
	if started(t, r, a1).Spec.Start {
		t.Fatal("started before any node saw the old address down")
	}
	if ops := prog.Operations(nil, s.cc.CreationTimestamp); len(ops) != 1 || ops[0].BlockedBy != PredicateOldNodeDown {
		t.Fatalf("operations %+v, want the replacement held by %s", ops, PredicateOldNodeDown)
	}
	s.node("ring-a-0").Pilot.Status.Cassandra.DownNodes = []string{"10.0.0.2"}
	if err := r.openGates(t.Context(), s, &progress.Progress{}); err != nil {
		t.Fatal(err)
	}
	p := started(t, r, a1)
	if !p.Spec.Start || p.Spec.Cassandra == nil || p.Spec.Cassandra.ReplaceAddress != "10.0.0.2" {
		t.Fatalf("spec %+v, want a start replacing 10.0.0.2", p.Spec)
	}
}

func TestNodesHoldingDataStartTogether(t *testing.T) {
	s := fixture()
	for _, n := range s.nodes() {
		emptyNode(n, n.Pilot.Status.Node.Address)
		n.Pilot.Status.Node.HoldsData = true
	}
	r := reconciler(t, s)
	if err := r.openGates(t.Context(), s, &progress.Progress{}); err != nil {
		t.Fatal(err)
	}
	for _, n := range s.nodes() {
		if p := started(t, r, n); !p.Spec.Start || (p.Spec.Cassandra != nil && p.Spec.Cassandra.ReplaceAddress != "") {
			t.Errorf("%s: spec %+v, want a plain start", n.Name, p.Spec)
		}
	}
}

// TestAKeptClaimOfADecommissionedNodeHoldsItsNode: a scale out brings back an ordinal whose
// claim was kept after its decommission; Cassandra would refuse to start on it, so the node
// waits at the gate and the operation says what to do.
func TestAKeptClaimOfADecommissionedNodeHoldsItsNode(t *testing.T) {
	s := fixture()
	*s.pools[0].spec.Replicas = 4
	a3 := addNode(s.pools[0], "10.0.0.93")
	a3.Pilot.Status.Node.HoldsData = true
	r := reconciler(t, s)
	claim := &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Name: "data-ring-a-3", Namespace: "db",
		Annotations: map[string]string{res.AnnotationDecommissioned: "host-old"}}}
	if err := r.Client.Create(t.Context(), claim); err != nil {
		t.Fatal(err)
	}
	prog := &progress.Progress{}
	if err := r.openGates(t.Context(), s, prog); err != nil {
		t.Fatal(err)
	}
	if started(t, r, a3).Spec.Start {
		t.Fatal("ring-a-3 was started on the data of a decommissioned node")
	}
	ops := prog.Operations(nil, s.cc.CreationTimestamp)
	if len(ops) != 1 || ops[0].Node != "ring-a-3" || ops[0].Phase != navv1alpha1.OperationBlocked || ops[0].BlockedBy != PredicateNotDecommissioned ||
		!strings.Contains(ops[0].Message, "Delete the claim, then the pod") {
		t.Fatalf("operations %+v, want ring-a-3 blocked by %s with the way out", ops, PredicateNotDecommissioned)
	}

	// The user deletes the claim and the pod: the new pod holds nothing and bootstraps.
	if err := r.Client.Delete(t.Context(), claim); err != nil {
		t.Fatal(err)
	}
	a3.Pilot.Status.Node.HoldsData = false
	if err := r.openGates(t.Context(), s, &progress.Progress{}); err != nil {
		t.Fatal(err)
	}
	if !started(t, r, a3).Spec.Start {
		t.Fatal("ring-a-3 on a fresh claim was not let in")
	}
}

// TestABootstrapCutShortWaitsItsTurn: a node that holds data but never became a member (its
// bootstrap was cut short) bootstraps again when it starts, so it waits for the ring to settle.
func TestABootstrapCutShortWaitsItsTurn(t *testing.T) {
	s := fixture()
	*s.pools[1].spec.Replicas = 4
	b2, b3 := addNode(s.pools[1], "10.0.1.92"), addNode(s.pools[1], "10.0.1.93")
	b2.Pilot.Spec.Start = true
	b2.Pilot.Status.Cassandra = &navv1alpha1.CassandraPilotStatus{State: "UJ"}
	b3.Pilot.Status.Node.HoldsData = true
	r := reconciler(t, s)
	if err := r.openGates(t.Context(), s, &progress.Progress{}); err != nil {
		t.Fatal(err)
	}
	if started(t, r, b3).Spec.Start {
		t.Fatal("ring-b-3, whose bootstrap was cut short, was let in while ring-b-2 is joining")
	}
}

func TestANewRingStartsOnItsSeedFounderAlone(t *testing.T) {
	s := fixture()
	s.cc.Status.Nodes = nil
	for _, n := range s.nodes() {
		emptyNode(n, n.Pilot.Status.Node.Address)
	}
	r := reconciler(t, s)
	if err := r.labelSeeds(t.Context(), s); err != nil {
		t.Fatal(err)
	}
	if err := r.openGates(t.Context(), s, &progress.Progress{}); err != nil {
		t.Fatal(err)
	}
	for _, n := range s.nodes() {
		want := n.Name == "ring-a-0"
		if got := started(t, r, n).Spec.Start; got != want {
			t.Errorf("%s started %v, want %v", n.Name, got, want)
		}
	}
	// The founder is its own seed, named by its DNS name in the nodes Service.
	if p := started(t, r, s.node("ring-a-0")); p.Spec.Cassandra == nil ||
		!slices.Equal(p.Spec.Cassandra.Seeds, []string{"ring-a-0.ring-nodes.db.svc.cluster.local"}) {
		t.Errorf("the founder's seeds: %+v", p.Spec.Cassandra)
	}
}

// TestOnlyMembersHoldingDataBecomeSeeds: a seed candidate (the first node of its pool) that holds
// data but was never seen in the ring, whose bootstrap was cut short, is not made a seed: as a
// seed it would skip its bootstrap and own the ranges of the tokens it saved, empty
// (StorageService.shouldBootstrap). A recorded member holding data is made one before it
// starts, so that a whole cluster can come back; so are the holders of a ring with no record.
// Every started node's Pilot names the seeds, one DNS name each.
func TestOnlyMembersHoldingDataBecomeSeeds(t *testing.T) {
	s := fixture()
	c0 := addPool(s, "c", "10.0.2.1")
	c0.Pilot.Status.Node.HoldsData = true // its bootstrap was cut short: it is no member
	a0 := s.node("ring-a-0")
	emptyNode(a0, "10.0.0.1") // a member restarting with its data, behind its gate
	a0.Pilot.Status.Node.HoldsData = true
	r := reconciler(t, s)
	if err := r.labelSeeds(t.Context(), s); err != nil {
		t.Fatal(err)
	}
	labelled := func(n *node) bool {
		var pod corev1.Pod
		if err := r.Client.Get(t.Context(), client.ObjectKeyFromObject(n.Pod), &pod); err != nil {
			t.Fatal(err)
		}
		return pod.Labels[res.LabelSeed] == "true"
	}
	if labelled(c0) {
		t.Error("ring-c-0, whose bootstrap was cut short, was made a seed")
	}
	if !labelled(a0) || !labelled(s.node("ring-b-0")) {
		t.Error("the members ring-a-0 (holding data) and ring-b-0 (ready) are not both seeds")
	}
	want := []string{"ring-a-0.ring-nodes.db.svc.cluster.local", "ring-b-0.ring-nodes.db.svc.cluster.local"}
	if p := started(t, r, s.node("ring-a-1")); p.Spec.Cassandra == nil || !slices.Equal(p.Spec.Cassandra.Seeds, want) {
		t.Errorf("the seeds of a started node: %+v, want %q", p.Spec.Cassandra, want)
	}

	// A ring of which nothing is recorded: whoever holds data may be a seed.
	s.cc.Status.Nodes = nil
	if err := r.labelSeeds(t.Context(), s); err != nil {
		t.Fatal(err)
	}
	if !labelled(c0) {
		t.Error("with no member recorded, the candidate ring-c-0 holding data was not made a seed")
	}
}

// TestABootstrapCutShortStartsAfresh: a node that holds what a bootstrap cut short streamed,
// once its turn comes, starts with its bootstrap progress reset: Cassandra 5.0 refuses to
// bootstrap over such data otherwise, and 4.x would keep ranges that missed the writes since.
func TestABootstrapCutShortStartsAfresh(t *testing.T) {
	s := fixture()
	*s.pools[1].spec.Replicas = 3
	b2 := addNode(s.pools[1], "10.0.1.92")
	b2.Pilot.Status.Node.HoldsData = true
	r := reconciler(t, s)
	if err := r.openGates(t.Context(), s, &progress.Progress{}); err != nil {
		t.Fatal(err)
	}
	p := started(t, r, b2)
	if !p.Spec.Start || p.Spec.Cassandra == nil || !p.Spec.Cassandra.ResetBootstrapProgress || p.Spec.Cassandra.ReplaceAddress != "" {
		t.Fatalf("spec %+v, want a start that resets the bootstrap's progress", p.Spec)
	}
	// A member restarting with its data streams nothing: no reset.
	a1 := s.node("ring-a-1")
	emptyNode(a1, "10.0.0.2")
	a1.Pilot.Status.Node.HoldsData = true
	if err := r.openGates(t.Context(), s, &progress.Progress{}); err != nil {
		t.Fatal(err)
	}
	if p := started(t, r, a1); !p.Spec.Start || p.Spec.Cassandra.ResetBootstrapProgress {
		t.Errorf("a member's restart: %+v", p.Spec)
	}
}

// TestAReplacementCutShortReplacesAgain: a member whose replacement was cut short holds data,
// but not its own: it is no seed, and it starts as the replacement again, progress reset, once
// the old address is seen down.
func TestAReplacementCutShortReplacesAgain(t *testing.T) {
	s := fixture()
	a1 := s.node("ring-a-1")
	emptyNode(a1, "10.0.9.9")
	a1.Pilot.Status.Node.HoldsData = true
	s.cc.Status.Nodes[1].ReplacedAddress = s.cc.Status.Nodes[1].Address // started as a replacement, never seen up
	r := reconciler(t, s)
	prog := &progress.Progress{}
	if err := r.openGates(t.Context(), s, prog); err != nil {
		t.Fatal(err)
	}
	if started(t, r, a1).Spec.Start {
		t.Fatal("a replacement cut short was started as a member holding its data")
	}
	s.node("ring-a-0").Pilot.Status.Cassandra.DownNodes = []string{"10.0.0.2"}
	if err := r.openGates(t.Context(), s, &progress.Progress{}); err != nil {
		t.Fatal(err)
	}
	p := started(t, r, a1)
	if !p.Spec.Start || p.Spec.Cassandra == nil || p.Spec.Cassandra.ReplaceAddress != "10.0.0.2" || !p.Spec.Cassandra.ResetBootstrapProgress {
		t.Fatalf("spec %+v, want a replacement of 10.0.0.2 with its progress reset", p.Spec)
	}
}

// TestAFailedJoinIsRestarted: a node whose bootstrap failed stays up and joining
// (JOINING_FAILED), holding every other operation: its pod is deleted, and the status says why.
func TestAFailedJoinIsRestarted(t *testing.T) {
	s := fixture()
	*s.pools[1].spec.Replicas = 3
	b2 := addNode(s.pools[1], "10.0.1.92")
	b2.Pilot.Spec.Start = true
	b2.Pilot.Status.Cassandra = &navv1alpha1.CassandraPilotStatus{State: "UJ", Mode: "JOINING_FAILED"}
	r := reconciler(t, s)
	prog := &progress.Progress{}
	if err := r.recoverFailedJoins(t.Context(), s, prog); err != nil {
		t.Fatal(err)
	}
	var pod corev1.Pod
	if err := r.Client.Get(t.Context(), client.ObjectKeyFromObject(b2.Pod), &pod); err == nil {
		t.Fatal("the pod of the failed join is still there")
	}
	ops := prog.Operations(nil, s.cc.CreationTimestamp)
	if len(ops) != 1 || ops[0].Node != "ring-b-2" || !strings.Contains(ops[0].Message, "JOINING_FAILED") {
		t.Fatalf("operations %+v", ops)
	}
	// The others are left alone.
	for _, n := range s.nodes() {
		if n != b2 {
			if err := r.Client.Get(t.Context(), client.ObjectKeyFromObject(n.Pod), &pod); err != nil {
				t.Errorf("%s: %v", n.Name, err)
			}
		}
	}
}
