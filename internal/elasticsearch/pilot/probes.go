package pilot

import (
	"context"
	"errors"
	"fmt"
)

// Live checks that the node's HTTP layer answers GET /, whatever the status: a node without a
// master answers 503 and is alive all the same. Only a node that does not answer at all is
// wedged, and the kubelet then restarts it.
func (e *Engine) Live(ctx context.Context) error {
	if err := e.es.answers(ctx); err != nil {
		return fmt.Errorf("the node does not answer on HTTP: %w", err)
	}
	return nil
}

// errNoMaster is Ready's answer while the node serves HTTP but has not joined an elected
// master's cluster.
var errNoMaster = errors.New("the node answers but knows no elected master: it has not joined its cluster")

// Ready checks that the node answers and has joined the elected master's cluster: its own
// cluster state (local=true, answered without a master) names a master. Serving HTTP alone is
// not enough: a node that looks for a master answers too.
func (e *Engine) Ready(ctx context.Context) error {
	st, err := e.es.localState(ctx, "master_node")
	if err != nil {
		return fmt.Errorf("reading the node's cluster state: %w", err)
	}
	if st.MasterNode == "" {
		return errNoMaster
	}
	return nil
}
