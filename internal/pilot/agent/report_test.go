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
)

// TestReportBacksOffAndRecovers: while the API server refuses writes, the agent retries with a
// growing back-off instead of hammering it, and reports again as soon as it can.
func TestReportBacksOffAndRecovers(t *testing.T) {
	o := newOutage()
	// Attempts at 0s, 2s, 6s, 14s: each failure doubles the wait.
	for _, at := range []time.Duration{0, time.Second, 2 * time.Second, 5 * time.Second, 6 * time.Second, 13 * time.Second, 14 * time.Second} {
		o.reportAt(t, at)
	}
	if o.attempts != 4 {
		t.Errorf("%d write attempts in 14s of outage, want 4 (at 0, 2, 6 and 14s)", o.attempts)
	}
	if !o.a.lastWriteAt.IsZero() {
		t.Fatal("a failed write was recorded as written")
	}

	o.down = false
	o.reportAt(t, 30*time.Second)
	if o.p.Status.Phase != navv1alpha1.PilotRunning || o.p.Status.LastHeartbeatTime == nil {
		t.Errorf("after the outage the status was not written: %+v", o.p.Status)
	}
	if o.a.writeFails != 0 || !o.a.writeRetryAt.IsZero() {
		t.Errorf("back-off not reset after a successful write: fails %d, retry at %v", o.a.writeFails, o.a.writeRetryAt)
	}
}

// TestHeardFromTheServerRetriesAtOnce: once the API server delivers a change of the Pilot after
// an outage, a failed write is retried at the next step, not at the end of its back-off; a
// write that fails again backs off further than before.
func TestHeardFromTheServerRetriesAtOnce(t *testing.T) {
	o := newOutage()
	for _, at := range []time.Duration{0, 2 * time.Second, 6 * time.Second, 14 * time.Second} {
		o.reportAt(t, at)
	}
	// The fourth failure waits 16 s. A second later the server is back and says so.
	o.reportAt(t, 15*time.Second)
	if o.attempts != 4 {
		t.Fatalf("%d attempts before the server was heard from, want 4", o.attempts)
	}
	o.a.heard()
	o.reportAt(t, 15*time.Second)
	if o.attempts != 5 {
		t.Fatalf("no write attempt right after hearing from the server (%d attempts)", o.attempts)
	}
	if got := o.a.writeRetryAt.Sub(o.clk.Now()); got != 30*time.Second {
		t.Errorf("a fifth failure waits %s, want 30s: hearing from the server must not reset the count", got)
	}

	o.down = false
	o.a.heard()
	o.reportAt(t, 15*time.Second)
	if o.attempts != 6 || o.p.Status.Phase != navv1alpha1.PilotRunning {
		t.Errorf("status not written once the server answers: %d attempts, phase %q", o.attempts, o.p.Status.Phase)
	}
}

// outage is an agent whose API server refuses status writes while down, counting attempts.
type outage struct {
	p        *navv1alpha1.Pilot
	down     bool
	attempts int
	start    time.Time
	clk      *testingclock.FakeClock
	a        *Agent
}

func newOutage() *outage {
	o := &outage{p: &navv1alpha1.Pilot{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "db-0"}}, down: true,
		start: time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)}
	o.clk = testingclock.NewFakeClock(o.start)
	api := &fakeAPI{patch: func(_ *navv1alpha1.Pilot, s *navv1alpha1.PilotStatus) (string, error) {
		o.attempts++
		if o.down {
			return "", errors.New("connection refused")
		}
		o.p.Status = *s
		return "2", nil
	}}
	o.a = &Agent{API: api, Clock: o.clk, Heartbeat: time.Minute, Log: logr.Discard(), Metrics: NewMetrics(nil)}
	return o
}

// reportAt sets the clock to at after the start and reports a running node.
func (o *outage) reportAt(t *testing.T, at time.Duration) {
	o.clk.SetTime(o.start.Add(at))
	o.a.report(t.Context(), o.p, &navv1alpha1.PilotStatus{Phase: navv1alpha1.PilotRunning, ObservedGeneration: 1})
}

// fakeAPI is an API whose status writes a test decides; reads are unexpected here.
type fakeAPI struct {
	patch func(*navv1alpha1.Pilot, *navv1alpha1.PilotStatus) (string, error)
}

func (f *fakeAPI) Pilot(context.Context) (*navv1alpha1.Pilot, error) {
	return nil, errors.New("unexpected Pilot read")
}

func (f *fakeAPI) Cluster(context.Context) (runtime.Object, error) {
	return nil, errors.New("unexpected Cluster read")
}

func (f *fakeAPI) PatchStatus(_ context.Context, p *navv1alpha1.Pilot, s *navv1alpha1.PilotStatus) (string, error) {
	return f.patch(p, s)
}
