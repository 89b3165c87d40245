package pilot

import (
	"context"
	"errors"
	"fmt"
)

// Live checks that the process answers nodetool (nodetool version, the cheapest command).
//
// Cassandra answers nodetool only once it has set up JMX, some seconds into its start, and
// before that it replays its commit log, which may take minutes. A liveness probe that failed
// then would have the kubelet kill a node for being slow to start, over and over. So Live passes
// until nodetool has answered once since the process started (Command resets that), and fails
// after only when nodetool stops answering: a node that answered and no longer does is wedged,
// and a restart is the cure. A process that dies while starting needs no probe: the pilot exits
// with it.
func (e *Engine) Live(ctx context.Context) error {
	_, err := e.releaseVersion(ctx)
	if err == nil {
		return nil
	}
	if !e.hasAnswered() {
		return nil
	}
	return fmt.Errorf("the node no longer answers nodetool: %w", err)
}

// hasAnswered reports whether nodetool has answered since the process started.
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
func (e *Engine) Ready(ctx context.Context) error {
	e.mu.Lock()
	address := e.address
	e.mu.Unlock()
	if address == "" {
		return errNotConfigured
	}
	st, err := e.status(ctx)
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
	return e.servesCQL(ctx)
}
