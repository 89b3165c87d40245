package agent

import (
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/pilot/supervisor"
)

func TestPhaseOf(t *testing.T) {
	leave := func(p navv1alpha1.ActionPhase) *navv1alpha1.PilotActionStatus {
		return &navv1alpha1.PilotActionStatus{Action: navv1alpha1.ActionLeave, Phase: p}
	}
	cases := map[string]struct {
		o    observation
		want navv1alpha1.PilotPhase
	}{
		"gate closed":          {o: observation{}, want: navv1alpha1.PilotWaiting},
		"started, not ready":   {o: observation{started: true, running: true}, want: navv1alpha1.PilotStarting},
		"serving":              {o: observation{started: true, running: true, ready: true}, want: navv1alpha1.PilotRunning},
		"leaving":              {o: observation{started: true, running: true, ready: true, action: leave(navv1alpha1.ActionInProgress)}, want: navv1alpha1.PilotLeaving},
		"left":                 {o: observation{started: true, running: true, action: leave(navv1alpha1.ActionComplete)}, want: navv1alpha1.PilotLeft},
		"exited cleanly":       {o: observation{started: true, exited: true}, want: navv1alpha1.PilotStopping},
		"exited with an error": {o: observation{started: true, exited: true, exitCode: 1}, want: navv1alpha1.PilotFailed},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := phaseOf(tc.o); got != tc.want {
				t.Errorf("phaseOf() = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestApplyObservationKeepsTransitionTime(t *testing.T) {
	var s navv1alpha1.PilotStatus
	applyObservation(&s, observation{generation: 1, started: true, running: true, ready: true})
	first := meta.FindStatusCondition(s.Conditions, navv1alpha1.PilotConditionReady)
	if first == nil || first.Status != metav1.ConditionTrue || first.ObservedGeneration != 1 || s.ObservedGeneration != 1 {
		t.Fatalf("after a ready observation: %+v", s)
	}
	stamp := first.LastTransitionTime
	applyObservation(&s, observation{generation: 2, started: true, running: true, ready: true})
	again := meta.FindStatusCondition(s.Conditions, navv1alpha1.PilotConditionReady)
	if !again.LastTransitionTime.Equal(&stamp) {
		t.Error("an unchanged condition moved its lastTransitionTime, which would make every step a write")
	}
	applyObservation(&s, observation{generation: 2, started: true, running: true, readyErr: "not joined"})
	down := meta.FindStatusCondition(s.Conditions, navv1alpha1.PilotConditionReady)
	if down.Status != metav1.ConditionFalse || down.Reason != navv1alpha1.PilotReasonNotServing || down.Message != "not joined" {
		t.Errorf("not-ready condition: %+v", down)
	}
}

func TestWriteDecision(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	base := &navv1alpha1.PilotStatus{Phase: navv1alpha1.PilotRunning, Version: "8.15.3"}
	withBeat := func(s *navv1alpha1.PilotStatus, at time.Time) *navv1alpha1.PilotStatus {
		c := s.DeepCopy()
		c.LastHeartbeatTime = &metav1.Time{Time: at}
		return c
	}
	changed := base.DeepCopy()
	changed.Version = "8.15.4"
	cases := map[string]struct {
		last    *navv1alpha1.PilotStatus
		lastAt  time.Time
		desired *navv1alpha1.PilotStatus
		write   bool
	}{
		"nothing written yet":                  {last: nil, desired: base, write: true},
		"same facts, 30s after the last write": {last: withBeat(base, now.Add(-30*time.Second)), lastAt: now.Add(-30 * time.Second), desired: withBeat(base, now), write: false},
		"same facts, a minute after":           {last: withBeat(base, now.Add(-time.Minute)), lastAt: now.Add(-time.Minute), desired: withBeat(base, now), write: true},
		"a fact changed 1s after":              {last: withBeat(base, now.Add(-time.Second)), lastAt: now.Add(-time.Second), desired: withBeat(changed, now), write: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, why := writeDecision(tc.last, tc.lastAt, tc.desired, now, time.Minute)
			if got != tc.write {
				t.Errorf("writeDecision() = %v (%s), want %v", got, why, tc.write)
			}
		})
	}
}

// TestAnExitNobodyAskedForIsKeptUntilTheDatabaseServes: the status says how the database ended,
// through the restarts of the container that follow (the next pilot starts from the status the
// last one wrote), until it serves again.
func TestAnExitNobodyAskedForIsKeptUntilTheDatabaseServes(t *testing.T) {
	var s navv1alpha1.PilotStatus
	exit := &navv1alpha1.PilotExit{Code: 3, Message: "Invalid yaml. Please remove properties [bogus] from your cassandra.yaml"}
	applyObservation(&s, observation{generation: 1, started: true, exited: true, exitCode: 3, lastExit: exit})
	c := meta.FindStatusCondition(s.Conditions, navv1alpha1.PilotConditionReady)
	if s.LastExit == nil || s.LastExit.Code != 3 || c.Reason != navv1alpha1.PilotReasonExited ||
		c.Message != "the database exited with status 3: Invalid yaml. Please remove properties [bogus] from your cassandra.yaml" {
		t.Fatalf("after the exit: %+v, %+v", s.LastExit, c)
	}
	applyObservation(&s, observation{generation: 1, started: true, running: true, readyErr: "starting"})
	if s.LastExit == nil {
		t.Fatal("the exit was forgotten by a pilot whose database starts again")
	}
	applyObservation(&s, observation{generation: 1, started: true, running: true, ready: true})
	if s.LastExit != nil {
		t.Errorf("the exit is still reported by a database that serves: %+v", s.LastExit)
	}
}

// TestExplain: the engine's account first, else the last line of standard error, then of
// standard output.
func TestExplain(t *testing.T) {
	a := &Agent{Engine: nil}
	exit := func(stdout, stderr string) supervisor.Exit {
		return supervisor.Exit{Code: 1, Stdout: stdout, Stderr: stderr}
	}
	if got := a.explain(exit("starting\nstarted\n", "warning\nfatal: no disk\n\n")); got != "fatal: no disk" {
		t.Errorf("from stderr: %q", got)
	}
	if got := a.explain(exit("starting\nlast words\n", "")); got != "last words" {
		t.Errorf("from stdout: %q", got)
	}
}
