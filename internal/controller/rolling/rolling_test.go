package rolling

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/nodes"
	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
	"github.com/navigator-dbaas/navigator/internal/controller/progress"
)

// TestOneStepAtATime: of two outdated nodes, the first in the engine's order is asked to
// prepare and the second, which the engine's predicate holds while one is down, waits; once the
// first has prepared, its pod is deleted; and a node that has not joined its cluster restarts
// without preparing.
func TestOneStepAtATime(t *testing.T) {
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{navv1alpha1.AddToScheme, corev1.AddToScheme} {
		if err := add(scheme); err != nil {
			t.Fatal(err)
		}
	}
	node := func(name string, updated bool) *nodes.Node {
		pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "db", UID: types.UID("uid-" + name)}}
		p := &navv1alpha1.Pilot{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "db", Generation: 1}, Spec: navv1alpha1.PilotSpec{Start: true}}
		return &nodes.Node{Name: name, Pod: pod, Pilot: p, State: pilot.NodeReady, Updated: updated}
	}
	a, b, c := node("a", false), node("b", false), node("c", true)
	kc := fake.NewClientBuilder().WithScheme(scheme).WithObjects(a.Pod, a.Pilot, b.Pod, b.Pilot, c.Pod, c.Pilot).Build()
	e := Engine[*nodes.Node]{
		Order: func(x, y *nodes.Node) int { return strings.Compare(x.Name, y.Name) },
		MayRestart: func(_ *nodes.Node, inFlight []*nodes.Node) nodes.Verdict {
			if len(inFlight) > 0 {
				return nodes.Hold(nodes.PredicateWithinBudget, inFlight[0].Name+" is down")
			}
			return nodes.Pass(nodes.PredicateWithinBudget)
		},
		Pool: func(*nodes.Node) string { return "p" },
		How:  "one at a time", Back: "to rejoin", Preparing: "draining",
	}
	all := []*nodes.Node{a, b, c}
	prog := &progress.Progress{}
	if err := Step(t.Context(), kc, e, all, false, prog); err != nil {
		t.Fatal(err)
	}
	ops := prog.Operations(nil, metav1.Now())
	if a.Pilot.Spec.Action != navv1alpha1.ActionPrepareRestart || len(ops) != 2 ||
		ops[0].Message != "draining before the restart" || ops[1].Node != "b" || ops[1].Phase != navv1alpha1.OperationBlocked ||
		prog.Reason != navv1alpha1.ReasonBlocked || prog.Message != "b: a is down" {
		t.Fatalf("first step: a asked %q, progress %q %q, operations %+v", a.Pilot.Spec.Action, prog.Reason, prog.Message, ops)
	}

	a.Pilot.Status.ObservedGeneration = a.Pilot.Generation
	a.Pilot.Status.Action = &navv1alpha1.PilotActionStatus{Action: navv1alpha1.ActionPrepareRestart, Phase: navv1alpha1.ActionComplete}
	if err := Step(t.Context(), kc, e, all, true, &progress.Progress{}); err != nil {
		t.Fatal(err)
	}
	if err := kc.Get(t.Context(), client.ObjectKeyFromObject(a.Pod), &corev1.Pod{}); !apierrors.IsNotFound(err) {
		t.Fatalf("a prepared: its pod is still there (%v)", err)
	}

	a.Pod, a.Pilot.Spec.Action = nil, navv1alpha1.ActionNone // a's new pod is not created yet
	b.State = pilot.NodeNotReady
	prog = &progress.Progress{}
	if err := Step(t.Context(), kc, e, []*nodes.Node{b, c}, true, prog); err != nil {
		t.Fatal(err)
	}
	if err := kc.Get(t.Context(), client.ObjectKeyFromObject(b.Pod), &corev1.Pod{}); !apierrors.IsNotFound(err) || b.Pilot.Spec.Action == navv1alpha1.ActionPrepareRestart {
		t.Fatalf("b out of its cluster: restarted without preparing? pod: %v, action %q", err, b.Pilot.Spec.Action)
	}
	if prog.Reason != navv1alpha1.ReasonUpgrading || prog.Message != "1 node(s) to restart, one at a time" {
		t.Fatalf("an upgrade reported as %q %q", prog.Reason, prog.Message)
	}
}
