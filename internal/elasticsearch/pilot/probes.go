package pilot

import (
	"context"

	"github.com/navigator-dbaas/navigator/internal/search/node"
)

// Live checks that the node's HTTP layer answers GET /, whatever the status (node.Live).
func (e *Engine) Live(ctx context.Context) error { return node.Live(ctx, e.es) }

// Ready checks that the node answers and has joined the elected master's cluster (node.Ready).
func (e *Engine) Ready(ctx context.Context) error { return node.Ready(ctx, e.es) }
