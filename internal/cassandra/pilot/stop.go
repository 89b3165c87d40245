package pilot

import (
	"context"
	"fmt"

	"github.com/navigator-dbaas/navigator/internal/cassandra/nodetool"
)

// GracefulStop drains the node before the supervisor signals it, within ctx's deadline: the
// node stops taking writes, flushes its memtables and tells its peers it is going, so that the
// restart has no commit log to replay and the peers stop sending it requests at once. A node
// already drained or decommissioned has nothing to drain; one still starting has taken no writes
// yet, and answers nothing until it has.
func (e *Engine) GracefulStop(ctx context.Context) error {
	defer e.close()
	ns, err := e.netstats(ctx)
	if err != nil {
		if !e.hasAnswered() {
			return nil
		}
		return fmt.Errorf("draining: %w", err)
	}
	if modeIs(ns, nodetool.ModeDrained, nodetool.ModeDecommissioned, nodetool.ModeStarting) {
		return nil
	}
	if _, err := e.run(ctx, "drain"); err != nil {
		return fmt.Errorf("draining: %w", err)
	}
	return nil
}
