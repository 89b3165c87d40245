package agent

import (
	"fmt"
	"time"

	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
)

// observation is what one step of the agent learned.
type observation struct {
	generation int64
	started    bool
	running    bool
	ready      bool
	readyErr   string
	exited     bool
	exitCode   int
	// lastExit is the database's end when nobody asked for it; nil otherwise.
	lastExit *navv1alpha1.PilotExit
	action   *navv1alpha1.PilotActionStatus
	// peersMoving: the engine saw a peer that is not settled (engine.PeerWatcher).
	peersMoving bool
}

// inTransition: the database runs and is not ready yet (starting, joining, draining), an action
// is in progress, or the node sees a peer that is not settled. Someone is waiting on the next
// change.
func (o observation) inTransition() bool {
	return o.running && (!o.ready || o.action != nil && o.action.Phase == navv1alpha1.ActionInProgress || o.peersMoving)
}

// phaseOf summarises an observation for people.
func phaseOf(o observation) navv1alpha1.PilotPhase {
	switch {
	case o.exited && o.exitCode != 0:
		return navv1alpha1.PilotFailed
	case o.exited:
		return navv1alpha1.PilotStopping
	case !o.started:
		return navv1alpha1.PilotWaiting
	case o.action != nil && o.action.Action == navv1alpha1.ActionLeave && o.action.Phase == navv1alpha1.ActionComplete:
		return navv1alpha1.PilotLeft
	case o.action != nil && o.action.Action == navv1alpha1.ActionLeave:
		return navv1alpha1.PilotLeaving
	case o.ready:
		return navv1alpha1.PilotRunning
	default:
		return navv1alpha1.PilotStarting
	}
}

// applyObservation sets the agent-owned parts of the status: phase, Ready condition, action,
// observedGeneration. The engine's facts were set by its Observer.
func applyObservation(s *navv1alpha1.PilotStatus, o observation) {
	s.Phase = phaseOf(o)
	s.Action = o.action
	s.ObservedGeneration = o.generation
	cond := metav1.Condition{Type: navv1alpha1.PilotConditionReady, ObservedGeneration: o.generation}
	switch {
	case o.ready:
		cond.Status, cond.Reason, cond.Message = metav1.ConditionTrue, navv1alpha1.PilotReasonServing, "the database serves and has joined its cluster"
	case !o.started:
		cond.Status, cond.Reason, cond.Message = metav1.ConditionFalse, navv1alpha1.PilotReasonWaitingForStart, "waiting for spec.start"
	case o.lastExit != nil:
		cond.Status, cond.Reason, cond.Message = metav1.ConditionFalse, navv1alpha1.PilotReasonExited, exitMessage(o.lastExit)
	case o.exited || !o.running:
		cond.Status, cond.Reason, cond.Message = metav1.ConditionFalse, navv1alpha1.PilotReasonStopped, "the database process is not running"
	default:
		cond.Status, cond.Reason, cond.Message = metav1.ConditionFalse, navv1alpha1.PilotReasonNotServing, o.readyErr
	}
	meta.SetStatusCondition(&s.Conditions, cond)
	// The last unasked-for exit stays, through restarts of the container, until the database
	// serves again.
	switch {
	case o.lastExit != nil:
		s.LastExit = o.lastExit
	case o.ready:
		s.LastExit = nil
	}
}

// exitMessage is how the Ready condition reports an exit.
func exitMessage(e *navv1alpha1.PilotExit) string {
	if e.Message == "" {
		return fmt.Sprintf("the database exited with status %d", e.Code)
	}
	return fmt.Sprintf("the database exited with status %d: %s", e.Code, e.Message)
}

// writeDecision says whether the desired status must be written now: when anything but the
// heartbeat differs from the status the API holds (whoever changed it: level-triggered, a
// status changed by someone else is put right), or when the last write is a heartbeat interval
// old. A settled node therefore costs one write per interval.
func writeDecision(current *navv1alpha1.PilotStatus, lastAt time.Time, desired *navv1alpha1.PilotStatus, now time.Time, heartbeat time.Duration) (bool, string) {
	if lastAt.IsZero() {
		return true, "first report"
	}
	a, b := current.DeepCopy(), desired.DeepCopy()
	a.LastHeartbeatTime, b.LastHeartbeatTime = nil, nil
	if !apiequality.Semantic.DeepEqual(a, b) {
		return true, "changed"
	}
	if now.Sub(lastAt) >= heartbeat {
		return true, "heartbeat"
	}
	return false, ""
}
