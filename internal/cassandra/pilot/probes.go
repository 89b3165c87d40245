package pilot

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Live checks that the node's JVM serves JMX, where nodetool connects: it answers the opening of
// Java RMI's protocol (pingJMX), which costs a connection, not a JVM started for nodetool.
//
// Cassandra opens JMX some seconds into its start, and before that it replays its commit log,
// which may take minutes. A liveness probe that failed then would have the kubelet kill a node
// for being slow to start, over and over. So Live passes until JMX (or nodetool) has answered
// once since the process started (Command resets that), and fails after only when JMX stops
// answering: a node that answered and no longer does is wedged, and a restart is the cure. A
// process that dies while starting needs no probe: the pilot exits with it.
func (e *Engine) Live(ctx context.Context) error {
	err := pingJMX(ctx, e.JMXAddress)
	if err == nil {
		e.markAnswered()
		return nil
	}
	if !e.hasAnswered() {
		return nil
	}
	return fmt.Errorf("the node no longer answers JMX: %w", err)
}

func (e *Engine) markAnswered() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.answered = true
}

// hasAnswered reports whether JMX or nodetool has answered since the process started.
func (e *Engine) hasAnswered() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.answered
}

// errNotConfigured is Ready's answer before Configure told the engine the node's address.
var errNotConfigured = errors.New("the node is not configured yet")

// Ready checks that the node is up and normal (UN) in its own view of the ring, and serves CQL:
// a query of its own system.local on 127.0.0.1. A node that is joining, leaving, drained or
// decommissioned is not ready, nor one whose native transport is closed.
//
// A node seen UN in a status up to readyStatus old stays so until the agent's next Observe
// says otherwise (a drained or stopping node has closed CQL already, which fails the live
// check); a node seen otherwise is read again at once, so that it turns ready as soon as it
// joins. A node nodetool cannot reach is not asked twice.
func (e *Engine) Ready(ctx context.Context) error {
	e.mu.Lock()
	address := e.address
	e.mu.Unlock()
	if address == "" {
		return errNotConfigured
	}
	err := e.upAndNormal(ctx, address, readyStatus)
	var failed *nodetoolError
	if err != nil && !errors.As(err, &failed) {
		err = e.upAndNormal(ctx, address, freshStatus)
	}
	if err != nil {
		return err
	}
	return e.servesCQL(ctx)
}

// upAndNormal checks the node's own line in a nodetool status at most maxAge old.
func (e *Engine) upAndNormal(ctx context.Context, address string, maxAge time.Duration) error {
	st, err := e.status(ctx, maxAge)
	if err != nil {
		return err
	}
	_, n, ok := self(st, address)
	switch {
	case !ok:
		return fmt.Errorf("nodetool status does not list this node (%s): it has not joined the ring", address)
	case n.Code() != "UN":
		return fmt.Errorf("the node is %s in its own view, not UN (up and normal)", n.Code())
	}
	return nil
}
