package controller

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

func TestStatusNamesANodeWhoseDatabaseExited(t *testing.T) {
	s := fixture()
	b1 := s.node("ring-b-1")
	b1.Pilot.Status.Conditions[0].Status = metav1.ConditionFalse
	b1.Pilot.Status.Conditions[0].Reason = navv1alpha1.PilotReasonExited
	b1.Pilot.Status.LastExit = &navv1alpha1.PilotExit{Code: 3, Message: "Invalid yaml. Please remove properties [bogus_setting] from your cassandra.yaml"}
	b1.State = pilot.StateOf(b1.Pilot, s.now, pilot.DefaultStaleAfter)
	// The ring also sees it down: the exit, which says why, is what Degraded names.
	s.node("ring-a-0").Pilot.Status.Cassandra.DownNodes = []string{b1.Pilot.Status.Node.Address}
	st := s.cc.Status.DeepCopy()
	computeStatus(s, &progress.Progress{}, st)
	c := meta.FindStatusCondition(st.Conditions, navv1alpha1.ConditionDegraded)
	want := "ring-b-1: exited with status 3: Invalid yaml. Please remove properties [bogus_setting] from your cassandra.yaml"
	if c == nil || c.Status != metav1.ConditionTrue || c.Reason != navv1alpha1.ReasonDatabaseExited || c.Message != want {
		t.Fatalf("Degraded %+v, want True with %s and message %q", c, navv1alpha1.ReasonDatabaseExited, want)
	}

	// Its pod waits out a crash loop's back-off, and its report grows old: the exit is still
	// the last word on it, and another node's silence is named beside it.
	old := metav1.NewTime(s.now.Add(-4 * time.Minute))
	b1.Pilot.Status.LastHeartbeatTime = &old
	b1.State = pilot.StateOf(b1.Pilot, s.now, pilot.DefaultStaleAfter)
	a2 := s.node("ring-a-2")
	a2.Pilot.Status.LastHeartbeatTime = &old
	a2.State = pilot.StateOf(a2.Pilot, s.now, pilot.DefaultStaleAfter)
	computeStatus(s, &progress.Progress{}, st)
	c = meta.FindStatusCondition(st.Conditions, navv1alpha1.ConditionDegraded)
	want += " (no report since); state unknown: no recent report from ring-a-2"
	if c == nil || c.Reason != navv1alpha1.ReasonDatabaseExited || c.Message != want {
		t.Fatalf("Degraded %+v with the exited node's report old, want %s and message %q", c, navv1alpha1.ReasonDatabaseExited, want)
	}
	now := metav1.NewTime(s.now)
	b1.Pilot.Status.LastHeartbeatTime, a2.Pilot.Status.LastHeartbeatTime = &now, &now
	a2.State = pilot.StateOf(a2.Pilot, s.now, pilot.DefaultStaleAfter)

	// Once the database serves again, the old exit no longer counts.
	b1.Pilot.Status.Conditions[0].Status = metav1.ConditionTrue
	b1.State = pilot.StateOf(b1.Pilot, s.now, pilot.DefaultStaleAfter)
	s.node("ring-a-0").Pilot.Status.Cassandra.DownNodes = nil
	computeStatus(s, &progress.Progress{}, st)
	if c := meta.FindStatusCondition(st.Conditions, navv1alpha1.ConditionDegraded); c == nil || c.Status != metav1.ConditionFalse {
		t.Fatalf("Degraded %+v after the node serves again, want False", c)
	}
}
