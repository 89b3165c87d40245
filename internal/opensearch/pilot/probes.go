package pilot

import (
	"context"

	"github.com/navigator-dbaas/navigator/internal/pilot/volume"
	"github.com/navigator-dbaas/navigator/internal/search/node"
)

// Live checks that the node's HTTP layer answers GET /, whatever the status (node.Live).
func (e *Engine) Live(ctx context.Context) error { return node.Live(ctx, e.api) }

// Ready checks that the node answers and has joined the elected cluster manager's cluster
// (node.Ready).
func (e *Engine) Ready(ctx context.Context) error { return node.Ready(ctx, e.api) }

// HoldsData reports whether the data directory holds data from an earlier run.
func (e *Engine) HoldsData() bool { return volume.Used(e.DataDir) }

// GracefulStop does nothing before the node is signalled: OpenSearch closes its shards cleanly on
// SIGTERM, and a restart was prepared by PrepareRestart.
func (e *Engine) GracefulStop(context.Context) error { return nil }
