package agent

import (
	"context"
	"testing"

	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	testingclock "k8s.io/utils/clock/testing"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/pilot/engine"
	"github.com/navigator-dbaas/navigator/internal/pilot/supervisor"
)

// countingEngine completes every action at once and counts how often it is asked.
type countingEngine struct{ acts int }

func (e *countingEngine) Configure(context.Context, engine.Input) error           { return nil }
func (e *countingEngine) Command([]string) supervisor.Process                     { return supervisor.Process{} }
func (e *countingEngine) Live(context.Context) error                              { return nil }
func (e *countingEngine) Ready(context.Context) error                             { return nil }
func (e *countingEngine) Observe(context.Context, *navv1alpha1.PilotStatus) error { return nil }
func (e *countingEngine) GracefulStop(context.Context) error                      { return nil }
func (e *countingEngine) Kind() navv1alpha1.Engine                                { return navv1alpha1.EngineCassandra }
func (e *countingEngine) ClusterKind() engine.ClusterKind                         { return engine.ClusterKind{} }
func (e *countingEngine) HoldsData() bool                                         { return true }
func (e *countingEngine) Act(_ context.Context, a navv1alpha1.PilotAction, _ engine.Input) (navv1alpha1.PilotActionStatus, error) {
	e.acts++
	return navv1alpha1.PilotActionStatus{Action: a, Phase: navv1alpha1.ActionComplete}, nil
}

// TestCompletedActionIsNotRepeated: once status acknowledges an action as complete for the
// current request, the agent does not carry it out again at every step; a new request does.
func TestCompletedActionIsNotRepeated(t *testing.T) {
	eng := &countingEngine{}
	a := &Agent{Engine: eng, Clock: testingclock.NewFakeClock(metav1.Now().Time), Log: logr.Discard(), Metrics: NewMetrics(nil)}
	a.running, a.started = true, true
	p := &navv1alpha1.Pilot{ObjectMeta: metav1.ObjectMeta{Generation: 3}, Spec: navv1alpha1.PilotSpec{Action: navv1alpha1.ActionPrepareRestart}}

	o := a.observe(t.Context(), engine.Input{Pilot: p})
	if eng.acts != 1 || o.action == nil || o.action.Phase != navv1alpha1.ActionComplete {
		t.Fatalf("first step: %d acts, action %+v", eng.acts, o.action)
	}
	// The agent's report of that step reached the API.
	p.Status.Action, p.Status.ObservedGeneration = o.action, 3
	for range 5 {
		o = a.observe(t.Context(), engine.Input{Pilot: p})
	}
	if eng.acts != 1 || o.action == nil || o.action.Phase != navv1alpha1.ActionComplete {
		t.Errorf("after completion: %d acts (want 1), action %+v", eng.acts, o.action)
	}
	// A new request (the controller asks again: generation 4) is carried out.
	p.Generation = 4
	a.observe(t.Context(), engine.Input{Pilot: p})
	if eng.acts != 2 {
		t.Errorf("a new request was not carried out: %d acts, want 2", eng.acts)
	}
}
