package pilot

import "context"

// GracefulStop does nothing Elasticsearch-specific. Elasticsearch handles SIGTERM itself: it
// stops taking requests, flushes its shards and leaves the cluster cleanly, and the supervisor
// sends that SIGTERM right after this hook. Moving data away before a stop is the controller's
// decision, asked for through the Pilot (Leave, PrepareRestart) before it deletes the pod; doing
// it here on every SIGTERM would be the pilot deciding orchestration.
func (e *Engine) GracefulStop(context.Context) error { return nil }
