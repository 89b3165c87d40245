package cassandra

import (
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/controller/pilot"
	"github.com/navigator-dbaas/navigator/internal/controller/progress"
)

func TestStatusNeverCallsAStaleNodeHealthy(t *testing.T) {
	s := fixture()
	st := s.cc.Status.DeepCopy()
	computeStatus(s, &progress.Progress{}, st)
	if c := meta.FindStatusCondition(st.Conditions, navv1alpha1.ConditionReady); c == nil || c.Status != metav1.ConditionTrue {
		t.Fatalf("settled ring: Ready %+v, want True", c)
	}
	// ring-b-1's pilot last reported ready four minutes ago: its word is not believed.
	b1 := s.node("ring-b-1")
	old := metav1.NewTime(s.now.Add(-4 * time.Minute))
	b1.Pilot.Status.LastHeartbeatTime = &old
	b1.State = pilot.StateOf(b1.Pilot, s.now, pilot.DefaultStaleAfter)
	computeStatus(s, &progress.Progress{}, st)
	for _, typ := range []string{navv1alpha1.ConditionReady, navv1alpha1.ConditionDegraded} {
		c := meta.FindStatusCondition(st.Conditions, typ)
		if c == nil || c.Reason != navv1alpha1.ReasonPilotsStale {
			t.Fatalf("%s: %+v, want reason %s", typ, c, navv1alpha1.ReasonPilotsStale)
		}
	}
	if c := meta.FindStatusCondition(st.Conditions, navv1alpha1.ConditionReady); c.Status != metav1.ConditionFalse {
		t.Fatalf("Ready is %s with a stale pilot", c.Status)
	}
	if p := st.NodePools[1]; p.ReadyReplicas != 1 {
		t.Fatalf("pool b counts %d ready nodes, want 1: a stale report is not ready", p.ReadyReplicas)
	}
}

func TestStatusReportsNodesSeenDown(t *testing.T) {
	s := fixture()
	s.node("ring-a-0").Pilot.Status.Cassandra.DownNodes = []string{"10.0.7.7"}
	st := s.cc.Status.DeepCopy()
	computeStatus(s, &progress.Progress{}, st)
	c := meta.FindStatusCondition(st.Conditions, navv1alpha1.ConditionDegraded)
	if c == nil || c.Status != metav1.ConditionTrue || c.Reason != navv1alpha1.ReasonNodesDown {
		t.Fatalf("Degraded %+v, want True with %s", c, navv1alpha1.ReasonNodesDown)
	}
}
