package agent

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	testingclock "k8s.io/utils/clock/testing"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/pilot/engine"
)

// TestNodesInTransitionAreObservedEverySecond: the controller moves on when a node's report says
// it is ready or its action done, so a node that is starting, joining or carrying out an action
// is observed every Transition, as is one that sees a peer unsettled (the controller waits for its
// view of a restarted peer); a settled one every Observe; and one that stays short of ready
// longer than maxTransition (a failed bootstrap) goes back to Observe.
func TestNodesInTransitionAreObservedEverySecond(t *testing.T) {
	clk := testingclock.NewFakeClock(time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC))
	eng := &stagedEngine{notReady: errors.New("joining")}
	p := &navv1alpha1.Pilot{ObjectMeta: metav1.ObjectMeta{Name: "db-0", Generation: 1}, Spec: navv1alpha1.PilotSpec{Start: true}}
	a := &Agent{Engine: eng, API: &cacheAPI{p: p}, Clock: clk, Log: logr.Discard(), Metrics: NewMetrics(nil)}
	a.defaults()
	a.started, a.running = true, true
	step := func(after time.Duration) time.Duration {
		clk.Step(after)
		a.step(t.Context())
		return a.interval()
	}

	if got := step(0); got != time.Second {
		t.Errorf("a joining node is next observed after %s, want 1s", got)
	}
	eng.notReady = nil
	if got := step(time.Second); got != DefaultObserve {
		t.Errorf("a ready node is next observed after %s, want %s", got, DefaultObserve)
	}
	eng.phase = navv1alpha1.ActionInProgress
	p.Spec.Action = navv1alpha1.ActionCleanup
	if got := step(DefaultObserve); got != time.Second {
		t.Errorf("a node running its cleanup is next observed after %s, want 1s", got)
	}
	eng.phase, p.Spec.Action = "", ""
	if got := step(time.Second); got != DefaultObserve {
		t.Errorf("a node done with its cleanup is next observed after %s, want %s", got, DefaultObserve)
	}

	// A settled node that sees a peer down: the controller waits for its view of the peer's return.
	eng.peersMoving = true
	if got := step(DefaultObserve); got != time.Second {
		t.Errorf("a node that sees a peer unsettled is next observed after %s, want 1s", got)
	}
	eng.peersMoving = false
	if got := step(time.Second); got != DefaultObserve {
		t.Errorf("a node whose peers settled is next observed after %s, want %s", got, DefaultObserve)
	}

	eng.notReady = errors.New("JOINING_FAILED")
	for elapsed := time.Duration(0); elapsed < maxTransition; elapsed += time.Second {
		if got := step(time.Second); got != time.Second {
			t.Fatalf("%s into a transition the node is next observed after %s, want 1s", elapsed, got)
		}
	}
	if got := step(time.Second); got != DefaultObserve {
		t.Errorf("a node short of ready for longer than %s is next observed after %s, want %s", maxTransition, got, DefaultObserve)
	}
	eng.notReady = nil
	step(DefaultObserve)
	eng.notReady = errors.New("draining")
	if got := step(DefaultObserve); got != time.Second {
		t.Errorf("a new transition after a settled spell is observed after %s, want 1s", got)
	}
}

// TestAChangeByAnotherWriterDoesNotHoldTheReport: the agent waits for its cache to show its own
// last write before it writes again, but a Pilot that another writer changed since (the
// controller opening the start gate) carries that write too, and a new fact is written at once.
func TestAChangeByAnotherWriterDoesNotHoldTheReport(t *testing.T) {
	clk := testingclock.NewFakeClock(time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC))
	p := &navv1alpha1.Pilot{ObjectMeta: metav1.ObjectMeta{Name: "db-0", ResourceVersion: "1"}}
	api := &cacheAPI{p: p}
	a := &Agent{API: api, Clock: clk, Heartbeat: time.Minute, Log: logr.Discard(), Metrics: NewMetrics(nil)}

	a.report(t.Context(), p, &navv1alpha1.PilotStatus{Phase: navv1alpha1.PilotWaiting})
	if api.writes != 1 {
		t.Fatalf("first report: %d writes", api.writes)
	}
	written := api.stored.DeepCopy()

	// The cache still holds version 1: a difference is the cache's lag, not a new fact.
	clk.Step(time.Second)
	a.report(t.Context(), p, &navv1alpha1.PilotStatus{Phase: navv1alpha1.PilotStarting})
	if api.writes != 1 {
		t.Errorf("a write while the cache was behind: %d writes, want 1", api.writes)
	}

	// The cache holds version 3: the agent's write (version 2) and the controller's after it.
	written.ResourceVersion = "3"
	written.Spec.Start = true
	a.report(t.Context(), written, &navv1alpha1.PilotStatus{Phase: navv1alpha1.PilotStarting})
	if api.writes != 2 || api.stored.Status.Phase != navv1alpha1.PilotStarting {
		t.Errorf("the new phase waited for the cache lag: %d writes, stored phase %q", api.writes, api.stored.Status.Phase)
	}
}

// stagedEngine is ready unless notReady is set, and reports its action at phase.
type stagedEngine struct {
	countingEngine
	notReady    error
	phase       navv1alpha1.ActionPhase
	peersMoving bool
}

func (e *stagedEngine) PeersMoving() bool { return e.peersMoving }

func (e *stagedEngine) Ready(context.Context) error { return e.notReady }

func (e *stagedEngine) Act(_ context.Context, a navv1alpha1.PilotAction, _ engine.Input) (navv1alpha1.PilotActionStatus, error) {
	return navv1alpha1.PilotActionStatus{Action: a, Phase: e.phase}, nil
}

// cacheAPI serves p as the cache's Pilot and stores status writes as the API server does,
// with the next resource version.
type cacheAPI struct {
	p      *navv1alpha1.Pilot
	stored *navv1alpha1.Pilot
	writes int
}

func (c *cacheAPI) Pilot(context.Context) (*navv1alpha1.Pilot, error) { return c.p, nil }
func (c *cacheAPI) Cluster(context.Context) (runtime.Object, error)   { return nil, nil }

func (c *cacheAPI) PatchStatus(_ context.Context, p *navv1alpha1.Pilot, s *navv1alpha1.PilotStatus) (string, error) {
	c.writes++
	c.stored = p.DeepCopy()
	c.stored.Status = *s.DeepCopy()
	c.stored.ResourceVersion = "2"
	return "2", nil
}
