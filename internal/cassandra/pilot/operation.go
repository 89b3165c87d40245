package pilot

import (
	"context"
	"time"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
)

// operation is a nodetool command that blocks until Cassandra is done (decommission, drain,
// cleanup), run in the background for the action that asked for it, so that Act returns at once.
// One runs at a time: Cassandra would run some together, but a node that leaves while it cleans
// up is one nobody can reason about.
type operation struct {
	action navv1alpha1.PilotAction
	// generation is the Pilot's generation of the request: a new request (a new generation) of
	// the same action runs the command again once this one is done.
	generation int64
	// message is what Act reports while the command runs.
	message  string
	done     bool
	err      error
	finished time.Time
}

// outcome is where the request of an action stands among the engine's operations.
type outcome struct {
	// busy names another action whose command still runs.
	busy navv1alpha1.PilotAction
	// running is true while this action's command runs; message is what to report meanwhile.
	running bool
	message string
	// done is true once this request's command has returned; err is how.
	done bool
	err  error
	// retry is true once a failed command has been reported for RetryDelay: it may run again.
	retry bool
}

// outcomeOf reports the request of action at generation.
func (e *Engine) outcomeOf(action navv1alpha1.PilotAction, generation int64) outcome {
	e.mu.Lock()
	defer e.mu.Unlock()
	op := e.op
	switch {
	case op == nil:
		return outcome{}
	case !op.done && op.action != action:
		return outcome{busy: op.action}
	case !op.done:
		// Whatever the generation: the command is not run twice at once.
		return outcome{running: true, message: op.message}
	case op.action != action || op.generation != generation:
		return outcome{}
	}
	return outcome{done: true, err: op.err, retry: op.err != nil && e.Clock.Since(op.finished) >= e.RetryDelay}
}

// startOperation runs nodetool args in the background for the request of action at generation,
// and returns message, what Act reports while it runs. The command outlives ctx, the agent's
// step: it ends when Cassandra is done or the node exits.
func (e *Engine) startOperation(ctx context.Context, action navv1alpha1.PilotAction, generation int64, message string, args ...string) string {
	op := &operation{action: action, generation: generation, message: message}
	e.mu.Lock()
	e.op = op
	e.mu.Unlock()
	go func() {
		out, err := e.run(context.WithoutCancel(ctx), args...)
		if action == navv1alpha1.ActionCleanup {
			err = cleanupOutcome(out, err)
		}
		e.mu.Lock()
		defer e.mu.Unlock()
		op.done, op.err, op.finished = true, err, e.Clock.Now()
	}()
	return message
}
