// Package agent is the pilot's one loop: it reads the node's own Pilot, opens the start gate
// when spec.start says so, carries out spec.action through the engine, observes the engine's
// facts, and writes the Pilot's status when something changed, plus a heartbeat. It never
// decides orchestration (docs/design/0001-pilot.md) and holds no state that is not in the API or
// on the node's disk: restarted, it rebuilds everything from its Pilot and its data directory.
package agent

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/clock"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
	"github.com/navigator-dbaas/navigator/internal/pilot/engine"
	"github.com/navigator-dbaas/navigator/internal/pilot/supervisor"
)

// outputTail is how much of the end of the database's standard output and error the agent
// keeps, to say why the database exited when it stops on its own.
const outputTail = 8 << 10

// Defaults of the agent's intervals.
const (
	DefaultHeartbeat = time.Minute
	DefaultObserve   = 5 * time.Second
	// DefaultTransition is how often a node on its way somewhere is observed: the controller
	// opens the next node's start gate, or moves an operation on, when this node's report says
	// it is ready or done, so every second of delay here is a second of every join and every
	// step of a roll. Observing is cheap (an HTTP read, a CQL query on loopback).
	DefaultTransition = time.Second
	// maxWriteBackoff bounds the wait between status writes while the API server fails.
	maxWriteBackoff = 30 * time.Second
	// apiTimeout bounds each read or write, so that an API outage never stalls the loop.
	apiTimeout = 10 * time.Second
)

// API is what the agent needs of the Kubernetes API (package kube implements it).
type API interface {
	// Pilot returns the node's Pilot as last seen; the caller must not modify it.
	Pilot(ctx context.Context) (*navv1alpha1.Pilot, error)
	// Cluster returns the engine's cluster resource as last seen, or nil when it reads none.
	Cluster(ctx context.Context) (runtime.Object, error)
	// PatchStatus turns current's status into desired and returns the new resourceVersion.
	PatchStatus(ctx context.Context, current *navv1alpha1.Pilot, desired *navv1alpha1.PilotStatus) (string, error)
}

// Agent runs one node. Fill the exported fields, then call Run.
type Agent struct {
	Engine  engine.Engine
	Node    engine.Node
	Command []string
	// API reads the node's Pilot and cluster and writes the Pilot's status.
	API       API
	Clock     clock.WithTicker
	Heartbeat time.Duration
	// Observe is how often a settled node is observed; Transition how often one that is
	// started and not ready yet, or carrying out an action, is.
	Observe     time.Duration
	Transition  time.Duration
	StopTimeout time.Duration
	Log         logr.Logger
	Metrics     *Metrics

	kick chan struct{}

	mu       sync.Mutex
	started  bool
	running  bool
	exit     *supervisor.Exit
	exitAt   time.Time
	exitDone chan struct{}
	// transitionSince is when the steps began to find the node in transition (the database
	// started and not ready, or an action in progress); zero while it is settled.
	transitionSince time.Time

	// lastWrittenVersion is the Pilot's resourceVersion after this pilot's last write, and
	// lastWrittenBeat the heartbeat time it wrote: until the cache shows that write (that
	// version, or a later one that carries the same heartbeat), the cache is behind and a
	// difference is not a reason to write again.
	lastWrittenVersion string
	lastWrittenBeat    metav1.Time
	lastWriteAt        time.Time
	writeRetryAt       time.Time
	writeFails         int
}

// Kick asks the loop to step now, for example because the Pilot changed.
func (a *Agent) Kick() {
	select {
	case a.kick <- struct{}{}:
	default:
	}
}

// Run steps until the database exits, and returns how it ended. A SIGTERM before the start gate
// opened ends it at once with code 0; after, the supervisor stops the database.
func (a *Agent) Run(ctx context.Context) (supervisor.Exit, error) {
	a.defaults()
	terms := make(chan os.Signal, 1)
	signal.Notify(terms, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(terms)
	timer := a.Clock.NewTimer(a.Observe)
	defer timer.Stop()
	done := ctx.Done()
	for {
		a.step(ctx)
		timer.Reset(a.interval())
		select {
		case <-a.exitDone:
			a.step(ctx) // the final report: Stopping or Failed
			a.mu.Lock()
			defer a.mu.Unlock()
			return *a.exit, nil
		case <-terms:
			if !a.isStarted() {
				a.Log.Info("Stopped before the database was started")
				return supervisor.Exit{StopRequested: true}, nil
			}
			// The supervisor got the same signal and stops the database; keep reporting.
		case <-done:
			if !a.isStarted() {
				return supervisor.Exit{StopRequested: true}, ctx.Err()
			}
			// The database runs on until it exits; a closed channel must not spin the loop.
			done = nil
		case <-timer.C():
		case <-a.kick:
			a.heard()
		}
	}
}

func (a *Agent) defaults() {
	if a.Clock == nil {
		a.Clock = clock.RealClock{}
	}
	if a.Heartbeat <= 0 {
		a.Heartbeat = DefaultHeartbeat
	}
	if a.Observe <= 0 {
		a.Observe = DefaultObserve
	}
	if a.Transition <= 0 {
		a.Transition = DefaultTransition
	}
	a.Transition = min(a.Transition, a.Observe) // never slower than a settled node
	if a.Metrics == nil {
		a.Metrics = NewMetrics(nil)
	}
	a.kick = make(chan struct{}, 1)
	a.exitDone = make(chan struct{})
}

// maxTransition bounds the quick steps of one transition. A node can stay short of ready for
// good (a bootstrap that failed, a cluster that lost a shard's every copy), and observing
// that every second would only cost the node: past this, it is observed as a settled one.
const maxTransition = 3 * time.Minute

// interval is the wait before the next step: short while the node is in transition.
func (a *Agent) interval() time.Duration {
	if !a.transitionSince.IsZero() && a.Clock.Since(a.transitionSince) < maxTransition {
		return a.Transition
	}
	return a.Observe
}

func (a *Agent) isStarted() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.started
}

// step is one pass: read, gate, act, observe, report.
func (a *Agent) step(ctx context.Context) {
	rctx, cancel := context.WithTimeout(ctx, apiTimeout)
	defer cancel()
	p, err := a.API.Pilot(rctx)
	if err != nil {
		a.Log.V(1).Info("Cannot read the Pilot; the database keeps running", "err", err.Error())
		return
	}
	in := engine.Input{Node: a.Node, Pilot: p}
	if in.Cluster, err = a.API.Cluster(rctx); err != nil {
		a.Log.V(1).Info("Cannot read the cluster resource", "cluster", p.Spec.Cluster, "err", err.Error())
	}
	if p.Spec.Start && !a.isStarted() {
		if err := a.start(ctx, in); err != nil {
			a.Log.Error(err, "Cannot start the database")
		}
	}
	o := a.observe(ctx, in)
	desired := p.Status.DeepCopy()
	if o.running {
		if err := a.Engine.Observe(ctx, desired); err != nil {
			a.Log.V(1).Info("Cannot observe the engine", "err", err.Error())
		}
		if w, ok := a.Engine.(engine.PeerWatcher); ok {
			o.peersMoving = w.PeersMoving()
		}
	}
	desired.Node.Address = a.Node.IP
	desired.Node.HoldsData = a.Engine.HoldsData()
	applyObservation(desired, o)
	if !o.inTransition() {
		a.transitionSince = time.Time{}
	} else if a.transitionSince.IsZero() {
		a.transitionSince = a.Clock.Now()
	}
	a.report(ctx, p, desired)
}

// start configures the engine and starts the supervisor in the background.
func (a *Agent) start(ctx context.Context, in engine.Input) error {
	if err := a.Engine.Configure(ctx, in); err != nil {
		return fmt.Errorf("configuring the engine: %w", err)
	}
	proc := a.Engine.Command(a.Command)
	a.mu.Lock()
	a.started, a.running = true, true
	a.mu.Unlock()
	a.Metrics.Started.Set(1)
	a.Log.Info("Start gate open; starting the database")
	opts := supervisor.Options{
		StopTimeout:  a.StopTimeout,
		GracefulStop: a.Engine.GracefulStop,
		Log:          a.Log.WithName("supervisor"),
		OutputTail:   outputTail,
	}
	if r, ok := a.Engine.(engine.OutputReader); ok {
		opts.OutputLines = r.ReadOutput
	}
	go func() {
		exit, err := supervisor.Run(context.WithoutCancel(ctx), proc, opts)
		if err != nil {
			a.Log.Error(err, "Supervising the database")
			exit = supervisor.Exit{Code: 1, Stderr: err.Error()}
		}
		a.mu.Lock()
		a.running, a.exit, a.exitAt = false, &exit, a.Clock.Now()
		a.mu.Unlock()
		a.Metrics.DatabaseUp.Set(0)
		close(a.exitDone)
	}()
	return nil
}

// observe gathers readiness and the action's progress.
func (a *Agent) observe(ctx context.Context, in engine.Input) observation {
	a.mu.Lock()
	o := observation{generation: in.Pilot.Generation, started: a.started, running: a.running}
	if a.exit != nil {
		o.exited, o.exitCode = true, a.exit.Code
		if !a.exit.StopRequested {
			o.lastExit = &navv1alpha1.PilotExit{Code: int32(a.exit.Code), Message: a.explain(*a.exit), Time: metav1.NewTime(a.exitAt)}
		}
	}
	a.mu.Unlock()
	if o.running {
		a.Metrics.DatabaseUp.Set(1)
		if err := a.Engine.Ready(ctx); err != nil {
			o.readyErr = err.Error()
		} else {
			o.ready = true
		}
	}
	a.Metrics.Ready.Set(boolGauge(o.ready))
	action := in.Pilot.Spec.Action
	if prev := in.Pilot.Status.Action; completed(in.Pilot, prev) {
		// Acknowledged as complete for this very request: not carried out again (a drain
		// every tick would be no drain at all).
		o.action = prev.DeepCopy()
	} else if o.running && action != "" && action != navv1alpha1.ActionNone {
		st, err := a.Engine.Act(ctx, action, in)
		if err != nil {
			st = navv1alpha1.PilotActionStatus{Action: action, Phase: navv1alpha1.ActionFailed, Message: err.Error()}
		}
		if prev := in.Pilot.Status.Action; prev != nil && prev.Action == action && prev.StartedAt != nil {
			st.StartedAt = prev.StartedAt
		} else if st.StartedAt == nil {
			st.StartedAt = &metav1.Time{Time: a.Clock.Now()}
		}
		o.action = &st
	}
	return o
}

// explain is the engine's account of an exit, or the last line the database wrote (standard
// error first).
func (a *Agent) explain(exit supervisor.Exit) string {
	msg := ""
	if x, ok := a.Engine.(engine.ExitExplainer); ok {
		msg = x.ExplainExit(exit.Code, exit.Stdout, exit.Stderr)
	}
	if msg == "" {
		msg = lastLine(exit.Stderr)
	}
	if msg == "" {
		msg = lastLine(exit.Stdout)
	}
	if len(msg) > maxExitMessage {
		msg = msg[:maxExitMessage-3] + "..."
	}
	return msg
}

// maxExitMessage is the status field's bound.
const maxExitMessage = 2048

// lastLine is the last line of s that is not blank.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" {
			return l
		}
	}
	return ""
}

// heard is called when the API server has delivered a change of the Pilot: the server answers
// again, so a write that failed is retried at once rather than at the end of its back-off
// (up to maxWriteBackoff after an outage). The failure count stays, so a write that fails
// for another reason still backs off further.
func (a *Agent) heard() {
	a.writeRetryAt = time.Time{}
}

// cacheLag bounds how long the agent trusts that its cache has not caught up with its own
// write yet; past it, a Pilot that differs from the desired status is written again.
const cacheLag = 3 * time.Second

// report writes the desired status when writeDecision says so, backing off while writes fail.
func (a *Agent) report(ctx context.Context, p *navv1alpha1.Pilot, desired *navv1alpha1.PilotStatus) {
	now := a.Clock.Now()
	if now.Before(a.writeRetryAt) {
		return
	}
	if a.lastWrittenVersion != "" && !a.cacheHasLastWrite(p) && now.Sub(a.lastWriteAt) < cacheLag {
		return // the informer will deliver our own write, and kick the next step
	}
	write, why := writeDecision(&p.Status, a.lastWriteAt, desired, now, a.Heartbeat)
	if !write {
		return
	}
	// The API keeps whole seconds; so does the copy kept to recognise this write in the cache.
	beat := metav1.NewTime(now).Rfc3339Copy()
	desired.LastHeartbeatTime = &beat
	wctx, cancel := context.WithTimeout(ctx, apiTimeout)
	defer cancel()
	version, err := a.API.PatchStatus(wctx, p, desired)
	if err != nil {
		a.writeFails++
		backoff := min(time.Duration(1<<min(a.writeFails, 5))*time.Second, maxWriteBackoff)
		a.writeRetryAt = now.Add(backoff)
		a.Metrics.Writes.WithLabelValues("error").Inc()
		a.Log.Info("Cannot write the Pilot status; retrying", "retryIn", backoff, "err", err.Error())
		return
	}
	a.writeFails, a.writeRetryAt = 0, time.Time{}
	a.lastWrittenVersion, a.lastWrittenBeat, a.lastWriteAt = version, beat, now
	a.Metrics.Writes.WithLabelValues("ok").Inc()
	a.Log.V(1).Info("Wrote the Pilot status", "why", why, "phase", desired.Phase, "observedGeneration", desired.ObservedGeneration)
}

// cacheHasLastWrite: p, as the cache holds it, shows this pilot's last status write. A later
// version that carries the written heartbeat has it too: another writer (the controller
// opening the start gate) changed the Pilot since, which is no reason to wait with the next
// report.
func (a *Agent) cacheHasLastWrite(p *navv1alpha1.Pilot) bool {
	if p.ResourceVersion == a.lastWrittenVersion {
		return true
	}
	hb := p.Status.LastHeartbeatTime
	return hb != nil && hb.Equal(&a.lastWrittenBeat)
}

// completed reports whether status already acknowledges the requested action as complete for
// the current spec generation.
func completed(p *navv1alpha1.Pilot, prev *navv1alpha1.PilotActionStatus) bool {
	return prev != nil && prev.Action == p.Spec.Action && prev.Phase == navv1alpha1.ActionComplete &&
		p.Status.ObservedGeneration == p.Generation
}

func boolGauge(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// ErrNotStarted is what the probes report before the start gate opens.
var ErrNotStarted = errors.New("the database has not been started: waiting for spec.start")

// Ready answers /readyz: the database runs and the engine says it serves.
func (a *Agent) Ready(ctx context.Context) error {
	if !a.databaseRunning() {
		return ErrNotStarted
	}
	return a.Engine.Ready(ctx)
}

// Live answers /livez: the pilot is alive; once the database runs, the engine must say it is.
func (a *Agent) Live(ctx context.Context) error {
	if !a.databaseRunning() {
		return nil
	}
	return a.Engine.Live(ctx)
}

func (a *Agent) databaseRunning() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.running
}
