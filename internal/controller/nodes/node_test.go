package nodes

import (
	"slices"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
)

func TestNewBelievesOnlyThePilotOfThisPod(t *testing.T) {
	now := time.Now()
	hb := metav1.NewTime(now)
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "c-p-0", UID: "new", Labels: map[string]string{appsv1.ControllerRevisionHashLabelKey: "r2"}}}
	p := &navv1alpha1.Pilot{
		ObjectMeta: metav1.ObjectMeta{Name: "c-p-0", OwnerReferences: []metav1.OwnerReference{{UID: "old"}}},
		Status:     navv1alpha1.PilotStatus{LastHeartbeatTime: &hb, Conditions: []metav1.Condition{{Type: navv1alpha1.PilotConditionReady, Status: metav1.ConditionTrue}}},
	}
	sts := &appsv1.StatefulSet{Status: appsv1.StatefulSetStatus{UpdateRevision: "r2"}}
	n := New("c-p-0", 0, pod, p, sts, now, time.Minute)
	if n.Pilot != nil || n.State != pilot.NodeUnknown || !n.Updated {
		t.Fatalf("a Pilot of the pod's previous life was believed: %+v", n)
	}
	p.OwnerReferences[0].UID = "new"
	if n = New("c-p-0", 0, pod, p, sts, now, time.Minute); n.State != pilot.NodeNotReady {
		t.Fatalf("a ready Pilot whose pod the kubelet has not yet found ready: state %s", n.State)
	}
	pod.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}
	if n = New("c-p-0", 0, pod, p, sts, now, time.Minute); !n.Ready() {
		t.Fatalf("the pod's own fresh ready Pilot: state %s", n.State)
	}
	if n = New("c-p-0", 0, pod, p, sts, now.Add(2*time.Minute), time.Minute); n.Ready() || !n.Stale() {
		t.Fatalf("a report older than staleAfter: state %s, stale %v", n.State, n.Stale())
	}
}

func TestOverBudgetCountsOthersOnly(t *testing.T) {
	a, b, c := &Node{Name: "a"}, &Node{Name: "b"}, &Node{Name: "c"}
	if why := OverBudget(0, a, []*Node{a}); why != "" {
		t.Fatalf("the candidate alone is within a budget of one: %s", why)
	}
	if why := OverBudget(2, c, []*Node{a, b}); why == "" {
		t.Fatal("two down already and a budget of two: the third must wait")
	}
}

func TestDepartingNamesThePodsBeyondTheReplicas(t *testing.T) {
	sts := &appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Name: "c-data", UID: "sts"}, Spec: appsv1.StatefulSetSpec{Replicas: ptr.To[int32](2)}}
	owned := func(name string, owner types.UID) *corev1.Pod {
		return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, OwnerReferences: []metav1.OwnerReference{{UID: owner, Controller: ptr.To(true)}}}}
	}
	r := &Reader{pods: map[string]*corev1.Pod{}}
	for _, p := range []*corev1.Pod{owned("c-data-0", "sts"), owned("c-data-1", "sts"), owned("c-data-3", "sts"), owned("c-data-2", "sts"),
		owned("c-data-hot-5", "other"), {ObjectMeta: metav1.ObjectMeta{Name: "c-data-4"}}} {
		r.pods[p.Name] = p
	}
	if got := departed(r.Departing(sts)); !slices.Equal(got, []string{"c-data-2", "c-data-3"}) {
		t.Fatalf("departing %v, want c-data-2 and c-data-3 (the StatefulSet's own pods beyond 2)", got)
	}
	if got := r.Departing(nil); got != nil {
		t.Fatalf("departing of no StatefulSet: %v", got)
	}
}

// TestDepartingWaitsForTheClaimsOfRemovedNodes: under whenScaled: Delete a removed node has
// left only once the garbage collector has deleted its claim, which the StatefulSet controller
// hands to the pod before deleting it; claims kept (whenScaled: Retain), claims of nodes still
// in the StatefulSet and claims of another pool are not departures.
func TestDepartingWaitsForTheClaimsOfRemovedNodes(t *testing.T) {
	sts := &appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Name: "c-data", UID: "sts"}, Spec: appsv1.StatefulSetSpec{
		Replicas:             ptr.To[int32](1),
		VolumeClaimTemplates: []corev1.PersistentVolumeClaim{{ObjectMeta: metav1.ObjectMeta{Name: "data"}}},
	}}
	podOwned := []metav1.OwnerReference{{APIVersion: "v1", Kind: "Pod", Name: "gone", UID: "old-pod"}}
	gone := metav1.Now()
	r := &Reader{pods: map[string]*corev1.Pod{}, claims: map[string]*metav1.PartialObjectMetadata{}}
	for _, c := range []*metav1.PartialObjectMetadata{
		{ObjectMeta: metav1.ObjectMeta{Name: "data-c-data-0", OwnerReferences: podOwned}},     // still in the StatefulSet
		{ObjectMeta: metav1.ObjectMeta{Name: "data-c-data-1", OwnerReferences: podOwned}},     // condemned: departing
		{ObjectMeta: metav1.ObjectMeta{Name: "data-c-data-2", DeletionTimestamp: &gone}},      // being deleted: departing
		{ObjectMeta: metav1.ObjectMeta{Name: "data-c-data-3"}},                                // kept for a later scale out
		{ObjectMeta: metav1.ObjectMeta{Name: "data-c-data-hot-4", OwnerReferences: podOwned}}, // another pool's
		{ObjectMeta: metav1.ObjectMeta{Name: "logs-c-data-5", OwnerReferences: podOwned}},     // no such template
	} {
		r.claims[c.Name] = c
	}
	r.pods["c-data-2"] = &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "c-data-2", OwnerReferences: []metav1.OwnerReference{{UID: "sts", Controller: ptr.To(true)}}}}
	got := r.Departing(sts)
	want := []Departure{
		{Node: "c-data-1", Waiting: "the garbage collector to delete its claim data-c-data-1"},
		{Node: "c-data-2", Waiting: "its pod to stop"},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("departing %+v, want %+v", got, want)
	}
}

func departed(ds []Departure) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Node)
	}
	return out
}

// TestSettledWaitsForTheLastNodeBack: the next node goes down only once every other
// ready node has been ready for minReady; the wait says who holds it and for how long, and
// neither the candidate nor nodes already down count.
func TestSettledWaitsForTheLastNodeBack(t *testing.T) {
	now := time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC)
	node := func(name string, readyAgo time.Duration) *Node {
		pod := &corev1.Pod{Status: corev1.PodStatus{Conditions: []corev1.PodCondition{{
			Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: metav1.NewTime(now.Add(-readyAgo)),
		}}}}
		return &Node{Name: name, Pod: pod, State: pilot.NodeReady}
	}
	a, b, c := node("a", time.Hour), node("b", 2*time.Second), node("c", time.Second)
	v := Settled([]*Node{a, b, c}, a, nil, 5*time.Second, now)
	if v.OK || v.Predicate != PredicateNodesSettled || v.Wait != 4*time.Second || !strings.HasPrefix(v.Reason, "c has been ready for 1s of the 5s") {
		t.Fatalf("c came back 1s ago: %+v, want held 4s by c", v)
	}
	if v := Settled([]*Node{a, b, c}, c, nil, 5*time.Second, now); v.OK || v.Wait != 3*time.Second {
		t.Fatalf("candidate c, b came back 2s ago: %+v, want held 3s by b", v)
	}
	if v := Settled([]*Node{a, b, c}, a, []*Node{b, c}, 5*time.Second, now); !v.OK {
		t.Fatalf("b and c already down: %+v, want a free to go", v)
	}
	if v := Settled([]*Node{a, b, c}, a, nil, 0, now); !v.OK {
		t.Fatalf("minReadySeconds 0: %+v", v)
	}
	c.State = pilot.NodeNotReady
	if v := Settled([]*Node{a, b, c}, a, nil, time.Second, now); !v.OK {
		t.Fatalf("b ready for 2s of 1s, c not ready (another predicate's business): %+v", v)
	}
}
